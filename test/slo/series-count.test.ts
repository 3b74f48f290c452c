/** Recorded series per SLO on obsgen's engine; series-count-promtool.test.ts runs the same count in promtool. */
import { beforeAll, describe, expect, it } from 'vitest';
import { engineFactory } from '../../src/ruletest/engine.ts';
import { runTestFile } from '../../src/ruletest/runner.ts';
import { OBSGEN_SERIES_PER_SLO, SLOTH_SERIES_PER_SLO, seriesCountTestFile } from './series-count.fixture.ts';

let testFile: string;
beforeAll(() => {
  testFile = seriesCountTestFile();
}, 60_000);

describe('recorded series per SLO', () => {
  it(`are ${OBSGEN_SERIES_PER_SLO}, no more than Sloth's ${SLOTH_SERIES_PER_SLO}, on obsgen's engine`, () => {
    expect(OBSGEN_SERIES_PER_SLO).toBeLessThanOrEqual(SLOTH_SERIES_PER_SLO);
    const r = runTestFile(testFile, { engine: engineFactory });
    expect(r.errors).toEqual([]);
    expect(r.ok).toBe(true);
  }, 60_000);
});
