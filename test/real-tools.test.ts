/**
 * The list of tests that compare with the real binaries (test/real-tools.ts) names files that
 * exist and do use a real binary: a stale entry would leave nothing out, or leave out a test
 * the no-tools job should run.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lackedTools, REAL_TOOL_TESTS } from './real-tools.ts';

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

  it('is left out when OBSGEN_NO_TOOLS hides promtool or amtool, or they are not on PATH', () => {
    const path = process.env.PATH;
    expect(lackedTools({ PATH: path, OBSGEN_NO_TOOLS: 'promtool,amtool' })).toEqual(['promtool', 'amtool']);
    expect(lackedTools({ PATH: path, OBSGEN_NO_TOOLS: 'amtool' })).toContain('amtool');
    expect(lackedTools({ PATH: path, OBSGEN_NO_TOOLS: 'docker-compose' })).not.toContain('amtool');
    // A machine without apt (macOS): not on PATH at all.
    expect(lackedTools({ PATH: '/nonexistent' })).toEqual(['promtool', 'amtool']);
  });
});
