/**
 * Test files whose purpose is comparing obsgen with the real Debian binaries (promtool, amtool,
 * prometheus): differential and mutation checks, "promtool refuses it and so does obsgen",
 * generated tests run by promtool itself. They cannot pass on a machine without those tools,
 * and skipping them there would read as passed: vitest.config.ts leaves them out when
 * promtool or amtool is lacking (hidden by OBSGEN_NO_TOOLS in CI's no-tools job, or not installed), and .ci/run prints how many
 * tests that job did not run and why (scripts/ci-not-run.mjs). Every other test passes without
 * the tools, on obsgen's in-process engine and Alertmanager validation.
 * The list itself is test/real-tools.json (file -> why), which the CI script reads too.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export const REAL_TOOL_TESTS: Record<string, string> = JSON.parse(readFileSync(new URL('./real-tools.json', import.meta.url), 'utf8'));

/**
 * The real tools this run lacks: hidden by OBSGEN_NO_TOOLS, or not on PATH at all (a machine
 * without apt, e.g. macOS, where scripts/install-tools.sh cannot install them).
 */
export function lackedTools(env: NodeJS.ProcessEnv = process.env): string[] {
  const hidden = (env.OBSGEN_NO_TOOLS ?? '').split(',').map((t) => t.trim());
  return ['promtool', 'amtool'].filter((t) => hidden.includes(t) || spawnSync('sh', ['-c', `command -v ${t}`], { env }).status !== 0);
}
