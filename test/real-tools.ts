/**
 * Test files whose purpose is comparing obsgen with the real Debian binaries (promtool, amtool,
 * prometheus): differential and mutation checks, "promtool refuses it and so does obsgen",
 * generated tests run by promtool itself. They cannot pass on a machine without those tools,
 * and skipping them there would read as passed: vitest.config.ts leaves them out when
 * OBSGEN_NO_TOOLS hides promtool or amtool (CI's no-tools job), and .ci/run prints how many
 * tests that job did not run and why (scripts/ci-not-run.mjs). Every other test passes without
 * the tools, on obsgen's in-process engine and Alertmanager validation.
 * The list itself is test/real-tools.json (file -> why), which the CI script reads too.
 */
import { readFileSync } from 'node:fs';

export const REAL_TOOL_TESTS: Record<string, string> = JSON.parse(readFileSync(new URL('./real-tools.json', import.meta.url), 'utf8'));

/** Whether this run hides promtool or amtool (OBSGEN_NO_TOOLS), i.e. is the no-tools job. */
export function toolsHidden(env: NodeJS.ProcessEnv = process.env): boolean {
  const hidden = (env.OBSGEN_NO_TOOLS ?? '').split(',').map((t) => t.trim());
  return hidden.includes('promtool') || hidden.includes('amtool');
}
