/** The tests obsgen import generates for probe.test.ts's alerts pass on the real promtool too (test/real-tools.json). */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildStack } from 'obsgen';
import { importRules, rulesToTypeScript } from '../../src/import/rules.ts';
import { runBundleTests } from '../../src/cli/runtests.ts';
import { tempDir } from '../helpers.ts';
import { loadPrinted } from './load.ts';
import { text } from './probe.fixture.ts';

describe('generated tests found on the engine', () => {
  it('pass on promtool as on obsgen test', async () => {
    const stack = await loadPrinted(rulesToTypeScript(importRules([{ file: 'app.yml', text }]), 'app', ['app.yml']));
    const out = tempDir();
    expect(buildStack(stack, out, { verify: false }).ok).toBe(true);
    const promtool = runBundleTests(join(out, 'app'), 'app', { engine: 'promtool' });
    expect(promtool.ruleFailures).toEqual([]);
    expect(promtool.ruleCases).toBe(16);
  });
});
