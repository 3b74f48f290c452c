/** Prometheus skips `# comments` in PromQL; a rule whose expression starts with one (kube-prometheus has many) is valid. */
import { describe, expect, it } from 'vitest';
import { typeCheck } from '../../src/promql/index.ts';

describe('PromQL comments', () => {
  it('reads the expression after a leading comment line, and comments inside it', () => {
    expect(typeCheck('# without max_over_time, failed scrapes could create false negatives\nmax_over_time(up[5m]) == 0')).toMatchObject({ type: 'vector', errors: [] });
    expect(typeCheck('sum(\n  # per job\n  up\n) > 1 # trailing')).toMatchObject({ type: 'vector', errors: [] });
  });
  it('still finds no expression in a comment alone', () => {
    expect(typeCheck('# only a comment').errors.map((e) => e.message)).toEqual(['unexpected end of expression']);
  });
});
