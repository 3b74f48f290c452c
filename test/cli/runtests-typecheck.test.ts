/** `obsgen test` type-checks a bundle's rules with the build's checker, so a rule Prometheus refuses fails it even where promtool cannot tell. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBundleTests } from '../../src/cli/runtests.ts';
import { tempDir } from '../helpers.ts';

describe('obsgen test: PromQL types', () => {
  it('fails a bundle whose rules Prometheus 3 refuses, naming the rule and the error', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'prometheus/rules'), { recursive: true });
    writeFileSync(
      join(dir, 'prometheus/rules/api.rules.yml'),
      'groups:\n  - name: api\n    rules:\n      - record: job:up:sum\n        expr: sum(up[5m])\n      - record: job:up:range\n        expr: up[5m]\n      - record: job:up:ok\n        expr: sum by (job) (up)\n',
    );
    const s = runBundleTests(dir, 'api');
    expect(s.ruleFailures).toEqual([
      'api.rules.yml: job:up:sum: [promql/type] expected type instant vector in aggregation expression, got range vector at position 4 of "sum(up[5m])"',
      `api.rules.yml: job:up:range: [promql/type] a rule's expression must be an instant vector or a scalar, got range vector: Prometheus fails every evaluation with "rule result is not a vector or scalar" at position 0 of "up[5m]"`,
    ]);
  });
});
