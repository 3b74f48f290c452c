/**
 * promtool's report of `promtool test rules`: per file `Unit Testing:  FILE` (promtool 2.x; v3
 * dropped the line), then `  SUCCESS` or `  FAILED:` and each failure followed by a blank line,
 * then a blank line. Failures go to stderr, the rest to stdout, as promtool writes them.
 * Exit code 0 when every file passed, 1 otherwise.
 */
import type { EngineFactory } from './evaluator.ts';
import type { loadRuleFile } from './rulefile.ts';
import { runTestFile, type FileResult } from './runner.ts';

export interface ReportLine {
  stream: 'stdout' | 'stderr';
  text: string;
}

export function reportLines(r: FileResult): ReportLine[] {
  const out: ReportLine[] = [{ stream: 'stdout', text: `Unit Testing:  ${r.file}` }];
  for (const w of r.warnings) out.push({ stream: 'stderr', text: w });
  if (r.ok) out.push({ stream: 'stdout', text: '  SUCCESS' });
  else {
    out.push({ stream: 'stderr', text: '  FAILED:' });
    for (const e of r.errors) out.push({ stream: 'stderr', text: e }, { stream: 'stdout', text: '' });
  }
  out.push({ stream: 'stdout', text: '' });
  return out;
}

/** The text a terminal shows for these lines (stdout and stderr interleaved in order). */
export function reportText(lines: ReportLine[]): string {
  return lines.map((l) => `${l.text}\n`).join('');
}

export interface TestRulesRun {
  exitCode: number;
  results: FileResult[];
}

/** `promtool test rules FILE...` with the in-process engine; `write` receives each line as it is ready. */
export function testRules(files: string[], opts: { engine: EngineFactory; run?: string[] }, write: (l: ReportLine) => void = () => {}): TestRulesRun {
  const cache = new Map<string, ReturnType<typeof loadRuleFile>>();
  const results: FileResult[] = [];
  for (const f of files) {
    const r = runTestFile(f, opts, cache);
    results.push(r);
    for (const l of reportLines(r)) write(l);
  }
  return { exitCode: results.every((r) => r.ok) ? 0 : 1, results };
}
