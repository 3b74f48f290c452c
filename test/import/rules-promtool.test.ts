/** The tests obsgen import rules generates for fixtures/rules.yml pass on the real promtool too (test/real-tools.json). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildStack } from 'obsgen';
import { importRules, rulesToTypeScript } from '../../src/import/rules.ts';
import { runBundleTests } from '../../src/cli/runtests.ts';
import { tempDir } from '../helpers.ts';
import { loadPrinted } from './load.ts';

describe('obsgen import rules', () => {
  it('generates tests that pass on promtool as on obsgen test', async () => {
    const text = readFileSync(join(import.meta.dirname, 'fixtures/rules.yml'), 'utf8');
    const stack = await loadPrinted(rulesToTypeScript(importRules([{ file: 'rules.yml', text }]), 'shop', ['rules.yml']));
    const out = tempDir();
    expect(buildStack(stack, out, { verify: false }).ok).toBe(true);
    const onPromtool = runBundleTests(join(out, 'shop'), 'shop', { engine: 'promtool' });
    expect(onPromtool.ruleFailures).toEqual([]);
    expect(onPromtool.ruleCases).toBe(8);
  });
});
