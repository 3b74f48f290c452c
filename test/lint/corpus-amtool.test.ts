/** The lint corpus's route test case through the real amtool (routes/amtool). */
import { describe, expect, it } from 'vitest';
import { hasTool } from '../../src/emit/verify.ts';
import { fromFiles, lint } from '../../src/lint/index.ts';

const dir = 'test/lint/corpus';
const config = `${dir}/prometheus.yml`;
const ids = (findings: { id: string }[]): string[] => [...new Set(findings.map((f) => f.id))].sort();

describe('the lint corpus through amtool', () => {
  it('runs routes.test.json through amtool', async () => {
    if (!hasTool('amtool')) throw new Error('amtool is not on PATH; run scripts/install-tools.sh');
    const file = `${dir}/am/route-test-mismatch.yml`;
    const found = await lint(fromFiles({ rules: [`${dir}/base.rules.yml`], config, alertmanager: file, routeTests: file.replace(/\.yml$/, '.routes.test.json') }), { amtool: true });
    expect(ids(found)).toEqual(['routes/amtool', 'routes/test']);
    expect(found.find((f) => f.id === 'routes/amtool')!.message).toContain('NodeLoadHigh');
  });
});
