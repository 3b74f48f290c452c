/**
 * Mutation check: generated tests of a seed stack, with an expected value, an expected label or an
 * alert expression changed, fail under obsgen's engine exactly as under promtool 2.42 (same exit
 * code, same stdout and stderr); unchanged, both pass with the same output.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildStack } from '../../src/stack/build.ts';
import { loadStack } from '../../src/stack/load.ts';
import { viaEngine, viaPromtoolAsync, testFilesOf } from '../../scripts/ruletest-differential.ts';
import { tempDir } from '../helpers.ts';

// Built at collection time, so each generated file is its own test (a long synchronous test starves vitest's RPC).
const bundle = await (async () => {
  const out = tempDir('obsgen-mutation-');
  const stack = await loadStack('stacks/financial-api.ts');
  if ('error' in stack) throw new Error(stack.error);
  if (!buildStack(stack, out, { verify: false }).ok) throw new Error('financial-api does not build');
  return join(out, 'financial-api');
})();
const generated = testFilesOf([bundle]);

/** A copy of the bundle with `edit` applied to one file; returns the copy's test file. */
function mutate(file: string, testFile: string, edit: (text: string) => string): string {
  const copy = tempDir('obsgen-mutant-');
  cpSync(bundle, copy, { recursive: true });
  const path = join(copy, file);
  const before = readFileSync(path, 'utf8');
  const after = edit(before);
  expect(after).not.toBe(before);
  writeFileSync(path, after);
  return join(copy, 'prometheus/tests', testFile);
}

async function sameAsPromtool(testFile: string, expectedCode: number): Promise<string> {
  const p = await viaPromtoolAsync(testFile);
  const e = viaEngine(testFile);
  expect(p.code).toBe(expectedCode);
  expect(e.code).toBe(p.code);
  expect(e.stdout).toBe(p.stdout);
  expect(e.stderr).toBe(p.stderr);
  return e.stderr;
}

describe('generated tests under obsgen\'s engine and promtool', () => {
  it('the stack has generated tests', () => expect(generated.length).toBeGreaterThan(3));

  it.each(generated.map((f) => [basename(f), f]))('%s passes under both, with the same output', async (_, f) => {
    await sameAsPromtool(f, 0);
  }, 300_000);

  it('a changed expected value (promql_expr_test) fails the same way', async () => {
    const t = mutate('prometheus/tests/slo-financial-api-availability.test.yml', 'slo-financial-api-availability.test.yml', (s) => s.replace(/(labels: "\{\}"\n\s+value: )1\n/, '$12\n'));
    expect(await sameAsPromtool(t, 1)).toContain('        exp: {} 2E+00\n        got: {} 1E+00');
  }, 120_000);

  it('a changed expected label (exp_labels) fails the same way', async () => {
    const t = mutate('prometheus/tests/financial-api.test.yml', 'financial-api.test.yml', (s) => s.replace('severity: critical', 'severity: warning'));
    expect(await sameAsPromtool(t, 1)).toContain('severity="warning"');
  }, 120_000);

  it('a changed alert expression fails the same way: a raised threshold goes quiet, a lowered one fires with its rendered annotations', async () => {
    const raised = mutate('prometheus/rules/financial-api.rules.yml', 'financial-api.test.yml', (s) => s.replace('\n          > 0.05\n', '\n          > 0.2\n'));
    expect(await sameAsPromtool(raised, 1)).toContain('got:[]');
    const lowered = mutate('prometheus/rules/financial-api.rules.yml', 'financial-api.test.yml', (s) => s.replace('\n          > 0.05\n', '\n          > 0.01\n'));
    expect(await sameAsPromtool(lowered, 1)).toMatch(/description="2% of requests to financial-api/);
  }, 120_000);
});
