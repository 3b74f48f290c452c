/**
 * `obsgen test-rules FILE...`: a drop-in for `promtool test rules FILE...` on obsgen's in-process
 * PromQL engine (Prometheus 3 semantics): the same test files, report and exit codes (0 when every
 * file passes, 1 otherwise), for rule files obsgen did not build.
 */
import type { Args } from './args.ts';
import { engineFactory } from '../ruletest/engine.ts';
import { testRules } from '../ruletest/report.ts';
import { TEST_RULES_HELP } from './help.ts';

const UNSUPPORTED = ['diff', 'debug', 'junit', 'ignore-unknown-fields'];

export function cmdTestRules(args: Args): number {
  const files = args.positional.slice(1);
  const unsupported = UNSUPPORTED.filter((f) => args.flags.has(f));
  if (unsupported.length) {
    console.error(`error: ${unsupported.map((f) => `--${f}`).join(', ')}: not supported by obsgen test-rules; use promtool test rules for it`);
    return 1;
  }
  if (!files.length) {
    console.error(`error: obsgen test-rules needs test files\n\n${TEST_RULES_HELP}`);
    return 1;
  }
  const run = args.flags.get('run') ?? [];
  for (const r of run) {
    try {
      new RegExp(r);
    } catch (e) {
      console.error(`error: --run ${r}: ${(e as Error).message}`);
      return 1;
    }
  }
  const { exitCode } = testRules(files, { engine: engineFactory, run }, (l) => (l.stream === 'stdout' ? process.stdout : process.stderr).write(`${l.text}\n`));
  return exitCode;
}
