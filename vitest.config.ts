import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { REAL_TOOL_TESTS, toolsHidden } from './test/real-tools.ts';

export default defineConfig({
  resolve: { alias: { obsgen: fileURLToPath(new URL('./src/index.ts', import.meta.url)) } },
  test: {
    include: ['test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    // Without promtool/amtool (OBSGEN_NO_TOOLS), the tests that compare with them are left out, not skipped (test/real-tools.ts).
    exclude: ['test/e2e/**', 'node_modules/**', ...(toolsHidden() ? Object.keys(REAL_TOOL_TESTS) : [])],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    globalSetup: ['test/global-setup.ts'],
  },
});
