/**
 * Lint refuses what promtool refuses: PromQL type errors (`sum(up[5m])`, `rate(up)`, `up[5m] > 1`),
 * unknown functions named as MetricsQL, a rule whose result is a range vector, and keys the rule
 * format does not have (`concurrency`), each at its rule or group with the file line.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { fromFiles, lintInput } from '../../src/lint/index.ts';

const file = 'test/lint/fixtures/promtool-refuses.rules.yml';

describe('lint: what Prometheus refuses is an error', () => {
  const findings = lintInput(fromFiles({ rules: [file] })).filter((f) => f.id.startsWith('promql/syntax') || f.id.startsWith('promql/type') || f.id === 'rules/unknown-field');
  const at = (rule: string | undefined) => findings.filter((f) => f.rule === rule).map((f) => `${f.id} ${f.line}: ${f.message}`);

  it('reports the group key Prometheus does not know, at its line', () => {
    const group = findings.filter((f) => f.id === 'rules/unknown-field');
    expect(group).toHaveLength(1);
    expect(group[0]).toMatchObject({ severity: 'error', group: 'refused', line: 4, file });
    expect(group[0]!.message).toContain('unknown field "concurrency"');
  });

  it('reports each type error at its rule, with Prometheus wording', () => {
    expect(at('job:up:sum5m')).toEqual(['promql/type 7: expected type instant vector in aggregation expression, got range vector at line 1, column 5 of the expression']);
    expect(at('job:up:rate')).toEqual(['promql/type 9: expected type range vector in call to function "rate", got instant vector at line 1, column 6 of the expression']);
    expect(at('UpRangeCompared')).toEqual(['promql/type 11: binary expression must contain only scalar and instant vector types at line 1, column 1 of the expression']);
    expect(at('job:x:share')).toEqual(['promql/syntax 16: unknown function histogram_share (a MetricsQL function; Prometheus does not have it) at line 1, column 1 of the expression']);
    expect(at('job:up:range')[0]).toContain("promql/type 18: a rule's expression must be an instant vector or a scalar, got range vector");
    for (const f of findings) expect(f.severity).toBe('error');
  });

  it('exits 1 where it exited 0 before', () => {
    const r = spawnSync(process.execPath, ['bin/obsgen.js', 'lint', '--no-amtool', '--rules', file], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('[promql/type]');
    expect(r.stdout).toContain('[rules/unknown-field]');
  });

  it('agrees with promtool, which refuses the file', () => {
    const r = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('field concurrency not found');
  });
});
