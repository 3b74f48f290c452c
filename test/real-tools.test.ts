/**
 * The list of tests that compare with the real binaries (test/real-tools.ts) names files that
 * exist and do use a real binary: a stale entry would leave nothing out, or leave out a test
 * the no-tools job should run.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REAL_TOOL_TESTS, toolsHidden } from './real-tools.ts';

const root = join(import.meta.dirname, '..');

describe('real-tool test list', () => {
  it('names existing test files that run promtool, amtool or prometheus, each with a reason', () => {
    expect(Object.keys(REAL_TOOL_TESTS).length).toBeGreaterThan(0);
    for (const [file, why] of Object.entries(REAL_TOOL_TESTS)) {
      expect(existsSync(join(root, file)), file).toBe(true);
      expect(readFileSync(join(root, file), 'utf8'), file).toMatch(/promtool|amtool|prometheus/);
      expect(why.length, file).toBeGreaterThan(10);
    }
  });

  it('is left out exactly when OBSGEN_NO_TOOLS hides promtool or amtool', () => {
    expect(toolsHidden({ OBSGEN_NO_TOOLS: 'promtool,amtool' })).toBe(true);
    expect(toolsHidden({ OBSGEN_NO_TOOLS: 'amtool' })).toBe(true);
    expect(toolsHidden({ OBSGEN_NO_TOOLS: 'docker-compose' })).toBe(false);
    expect(toolsHidden({})).toBe(false);
  });
});
