/** The recorded-series count of series-count.test.ts, run by the real promtool. */
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { OBSGEN_SERIES_PER_SLO, seriesCountTestFile } from './series-count.fixture.ts';

let testFile: string;
beforeAll(() => {
  testFile = seriesCountTestFile();
}, 60_000);

describe('recorded series per SLO', () => {
  it(`are ${OBSGEN_SERIES_PER_SLO} in promtool too`, () => {
    const r = spawnSync('promtool', ['test', 'rules', testFile], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stdout + r.stderr).toContain('SUCCESS');
    expect(r.status).toBe(0);
  }, 90_000);
});
