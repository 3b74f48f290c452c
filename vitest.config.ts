import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { lackedTools, REAL_TOOL_TESTS } from './test/real-tools.ts';

// Without promtool or amtool (hidden by OBSGEN_NO_TOOLS, or not installed), the tests that compare
// with them are left out, not skipped-and-passed (test/real-tools.json); everything else runs on
// obsgen's in-process engine and Alertmanager validation.
const lacked = lackedTools();
const leftOut = lacked.length ? Object.keys(REAL_TOOL_TESTS) : [];
if (leftOut.length) {
  console.warn(`vitest.config: ${lacked.join(' and ')} not available: leaving out ${leftOut.length} test files that compare obsgen with the real tools (test/real-tools.json)`);
}

export default defineConfig({
  resolve: { alias: { obsgen: fileURLToPath(new URL('./src/index.ts', import.meta.url)) } },
  test: {
    include: ['test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**', ...leftOut],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    globalSetup: ['test/global-setup.ts'],
  },
});
