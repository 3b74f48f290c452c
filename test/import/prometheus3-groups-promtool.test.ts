/** Debian's promtool 2.42 refuses query_offset and group labels: the build gives it the other files and says so (test/real-tools.json). */
import { describe, expect, it } from 'vitest';
import { buildStack } from 'obsgen';
import { importRules, rulesToTypeScript } from '../../src/import/rules.ts';
import { tempDir } from '../helpers.ts';
import { loadPrinted } from './load.ts';
import { text } from './prometheus3-groups.fixture.ts';

describe('obsgen import rules: query_offset and group labels', () => {
  it('promtool 2.42 checks the plain files, obsgen the ones it refuses, and the build says so', async () => {
    const stack = await loadPrinted(rulesToTypeScript(importRules([{ file: 'prom3.yml', text }]), 'shop', ['prom3.yml']));
    const r = buildStack(stack, tempDir());
    expect(r.ok).toBe(true);
    const own = r.verify!.ran.find((t) => t.tool === 'obsgen check rules')!;
    expect(own.ok).toBe(true);
    expect(own.note).toMatch(/^delayed\.rules\.yml use group labels and query_offset \(Prometheus 2\.53\+\/3\.0\+\), which promtool 2\.42\.0 on PATH refuses/);
    const promtool = r.verify!.ran.find((t) => t.tool === 'promtool check rules')!;
    expect(promtool.ok).toBe(true);
    expect(promtool.output).toContain('plain.rules.yml');
    expect(promtool.output).not.toContain('delayed.rules.yml');
  });
});
