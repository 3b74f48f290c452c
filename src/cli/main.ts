/**
 * obsgen's command dispatcher. Each command's module is loaded when it runs, so `obsgen --help`
 * (and a command's own start) does not pay for every other command's dependencies.
 */
import { parseArgs } from './args.ts';
import { IMPORT_HELP, INIT_HELP, LINT_HELP, PREVIEW_HELP, PROMQL_TEST_HELP, STACK_HELP, TEST_RULES_HELP } from './help.ts';

const HELP = `obsgen: observability as code

Usage:
  obsgen build [--stack NAME]... [--file FILE]... [--out DIR] [--no-verify] [--typecheck]
      Build stacks into DIR/<stack>/ (default: every file in stacks/, out/).
      Verifies with promtool, amtool and docker-compose when they are on PATH.
      On any error nothing is written and the previous bundle stays. --typecheck runs the
      project's tsc --noEmit first (a misspelled prop fails there, with tsc's message).
  obsgen test [--stack NAME]... [--out DIR] [--engine obsgen|promtool]
      Run the generated rule unit tests and Alertmanager route tests of built bundles
      (default: the stacks in stacks/; with only --out, every bundle DIR holds). Rule tests run on
      obsgen's in-process PromQL engine (Prometheus 3 semantics); --engine promtool runs the binary.
      Route tests use amtool, or obsgen's route walk when amtool is not on PATH.
${TEST_RULES_HELP}${INIT_HELP}${LINT_HELP}${PROMQL_TEST_HELP}${PREVIEW_HELP}${IMPORT_HELP}${STACK_HELP}
  obsgen --help

Options:
  --stack NAME   a stack in stacks/ (file stacks/NAME.ts); repeatable
  --file FILE    a stack file anywhere; repeatable
  --out DIR      output root (default: out)
  --stacks DIR   folder of stack files (default: stacks)
`;

const BOOLEAN_FLAGS = new Set(['no-verify', 'typecheck', 'help', 'strict', 'quiet', 'no-png', 'webhook-sink', 'no-amtool', 'raw']);

export async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv, BOOLEAN_FLAGS);
  const [cmd] = args.positional;
  if (!cmd || args.flags.has('help') || cmd === 'help') {
    console.log(HELP);
    return cmd || args.flags.has('help') ? 0 : 1;
  }
  switch (cmd) {
    case 'build':
      return (await import('./build.ts')).cmdBuild(args);
    case 'test':
      return (await import('./build.ts')).cmdTest(args);
    case 'test-rules':
      return (await import('./testrules.ts')).cmdTestRules(args);
    case 'lint':
      return (await import('./lint.ts')).cmdLint(args);
    case 'init':
      return (await import('./init.ts')).cmdInit(args);
    case 'stack':
      return (await import('./stack.ts')).cmdStack(args);
    case 'preview':
      return (await import('./preview.ts')).cmdPreview(args);
    case 'import':
      return (await import('./import.ts')).cmdImport(args);
    case 'promql-test':
      return (await import('./promqltest.ts')).cmdPromqlTest(args);
    default:
      console.error(`error: unknown command ${cmd}\n\n${HELP}`);
      return 1;
  }
}
