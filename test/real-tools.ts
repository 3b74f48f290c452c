/**
 * Test files whose purpose is comparing obsgen with the real Debian binaries (promtool, amtool,
 * prometheus): differential and mutation checks, "promtool refuses it and so does obsgen",
 * generated tests run by promtool itself. They cannot pass on a machine without those tools,
 * and skipping them there would read as passed: vitest.config.ts leaves them out when
 * OBSGEN_NO_TOOLS hides promtool or amtool (CI's no-tools job), and .ci/run prints how many
 * tests that job did not run and why. Every other test passes without the tools, on obsgen's
 * in-process engine and Alertmanager validation.
 */
export const REAL_TOOL_TESTS: Record<string, string> = {
  'test/ruletest/mutation.test.ts': 'mutated generated tests fail under the engine exactly as under promtool',
  'test/promql/promtool-diff.test.ts': "the PromQL checker's verdicts against promtool check rules",
  'test/slo/promtool.test.ts': 'every SLI kind\'s generated tests run by the real promtool',
  'test/slo/merge.test.ts': 'merged SLO scenarios run by the real promtool',
  'test/slo/query-templates.test.ts': 'guarded query templates proved by the real promtool',
  'test/slo/selectors.test.ts': 'regex/negative selector SLIs proved by the real promtool',
  'test/lint/plain.test.ts': 'the plain rule fixtures load in promtool',
  'test/lint/typecheck.test.ts': 'lint refuses what promtool refuses, checked against promtool',
  'test/lint/live.test.ts': 'lint --live against a real Prometheus server fed by promtool tsdb',
  'test/lint/corpus.test.ts': 'routes.test.json through amtool',
  'test/alertmanager/validate.test.ts': 'obsgen refuses what amtool refuses, checked against amtool',
  'test/ha/topology.test.ts': 'the real tools accept the HA bundles (promtool per server config)',
  'test/pipeline/errors.test.ts': 'promtool refuses a regex class obsgen cannot read',
};

/** Whether this run hides promtool or amtool (OBSGEN_NO_TOOLS), i.e. is the no-tools job. */
export function toolsHidden(env: NodeJS.ProcessEnv = process.env): boolean {
  const hidden = (env.OBSGEN_NO_TOOLS ?? '').split(',').map((t) => t.trim());
  return hidden.includes('promtool') || hidden.includes('amtool');
}
