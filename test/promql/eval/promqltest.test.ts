import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPromqlTestFiles } from '../../../src/cli/promqltest.ts';
import { main } from '../../../src/cli/main.ts';
import { runPromqlTest } from '../../../src/promql/eval/promqltest.ts';

const fixtures = join(import.meta.dirname, 'fixtures');

function run(files: string[]): { lines: string[]; summary: ReturnType<typeof runPromqlTestFiles> } {
  const lines: string[] = [];
  const summary = runPromqlTestFiles(files, (l) => lines.push(l));
  return { lines, summary };
}

describe('obsgen promql-test', () => {
  it('passes every case of the hand-checked fixture', () => {
    const { lines, summary } = run([join(fixtures, 'basics.test')]);
    expect(summary).toEqual({ passed: 13, failed: 0, unsupported: 0, annotationsUnchecked: 0 });
    expect(lines.at(-1)).toBe('13 passed, 0 failed');
  });

  it('reports wrong expectations with file:line, expected and got, and unsupported cases with the reason', () => {
    const file = join(fixtures, 'failing.test');
    const { lines, summary } = run([file]);
    expect(summary).toMatchObject({ passed: 1, failed: 1, unsupported: 1 });
    expect(lines).toContain(`${file}:6: error in eval metric (line 6): expected [4] for {__name__="metric", a="1"} but got 3`);
    expect(lines).toContain(`${file}:12: hist: series {__name__="hist"} holds native histogram samples, which obsgen's engine does not evaluate`);
    expect(lines.at(-1)).toBe('1 passed, 2 failed');
  });

  it('exits 1 on a failure and 0 when all pass', async () => {
    const log = console.log;
    console.log = () => {};
    try {
      expect(await main(['promql-test', join(fixtures, 'failing.test')])).toBe(1);
      expect(await main(['promql-test', join(fixtures, 'basics.test')])).toBe(0);
      expect(await main(['promql-test'])).toBe(1);
    } finally {
      console.log = log;
    }
  });

  it('runs instant evals again with @ and in range mode, as upstream does', () => {
    // timestamp() is @-unsafe and skipped; `x` at 2m with @ 120 evaluated at other times must still hold 3.
    const r = runPromqlTest('load 1m\n  x 1 2 3 4 5\n\neval instant at 2m x\n  x 3\n\neval instant at 2m x @ 60\n  x 2\n');
    expect(r.cases.map((c) => c.status)).toEqual(['passed', 'passed']);
  });

  it('expect fail with a regex, expect string, expect range vector and annotations counted as unchecked', () => {
    const text = [
      'load 1m',
      '  x{a="1"} 1 2 3',
      '  x{a="2"} 1 2 3',
      '',
      'eval instant at 1m x * on() x',
      '  expect fail regex: many-to-many matching not allowed',
      '',
      'eval instant at 0 "hello"',
      '  expect string "hello"',
      '',
      'eval instant at 2m x{a="1"}[2m]',
      '  expect range vector from 1m to 2m step 1m',
      '  x{a="1"} 2 3',
      '',
      'eval instant at 1m rate(x[5m])',
      '  expect warn',
      '  {a="1"} 0',
      '  {a="2"} 0',
    ].join('\n');
    const r = runPromqlTest(text);
    expect(r.cases.map((c) => [c.status, c.message])).toEqual([
      ['passed', undefined],
      ['passed', undefined],
      ['passed', undefined],
      ['failed', expect.stringContaining('expected [0] for {a="1"} but got')],
    ]);
    expect(r.cases[3]!.annotationsUnchecked).toBe(true);
  });
});
