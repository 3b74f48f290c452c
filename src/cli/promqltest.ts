/**
 * `obsgen promql-test FILE...`: runs files in Prometheus's promqltest format on obsgen's
 * in-process engine and reports like upstream (file:line, expected vs got), then the cases the
 * engine cannot evaluate (native histograms, ...) with the reason, and one last line
 * `N passed, N failed` over every eval case (unsupported ones count as failed). Exit 1 on any failure.
 */
import { readFileSync } from 'node:fs';
import { runPromqlTest, type CaseResult } from '../promql/eval/promqltest.ts';
import type { Args } from './args.ts';

export interface PromqlTestSummary {
  passed: number;
  failed: number;
  unsupported: number;
  /** Passed cases whose warn/info expectations were accepted without being checked. */
  annotationsUnchecked: number;
}

/** Runs the files and writes the report to `out`; returns the counts. */
export function runPromqlTestFiles(files: string[], out: (line: string) => void): PromqlTestSummary {
  const sum: PromqlTestSummary = { passed: 0, failed: 0, unsupported: 0, annotationsUnchecked: 0 };
  const unsupported: [string, CaseResult][] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      out(`${file}: cannot read: ${(e as Error).message}`);
      sum.failed++;
      continue;
    }
    for (const c of runPromqlTest(text).cases) {
      if (c.status === 'passed') {
        sum.passed++;
        if (c.annotationsUnchecked) sum.annotationsUnchecked++;
      } else if (c.status === 'unsupported') {
        sum.unsupported++;
        unsupported.push([file, c]);
      } else {
        sum.failed++;
        out(`${file}:${c.line}: ${c.message}`);
      }
    }
  }
  if (unsupported.length) {
    out(`\nunsupported by obsgen's engine (counted as failed):`);
    for (const [file, c] of unsupported) out(`${file}:${c.line}: ${c.expr}: ${c.message}`);
  }
  if (sum.annotationsUnchecked) out(`\nnote: ${sum.annotationsUnchecked} passed case(s) expect warnings/infos (or none); the engine does not produce annotations, so those expectations were not checked`);
  out(`${sum.passed} passed, ${sum.failed + sum.unsupported} failed`);
  return sum;
}

export function cmdPromqlTest(args: Args): number {
  const files = args.positional.slice(1);
  if (files.length === 0) {
    console.error('error: obsgen promql-test needs at least one file (promqltest format: load / eval instant / eval range ...)');
    return 1;
  }
  const s = runPromqlTestFiles(files, (l) => console.log(l));
  return s.failed + s.unsupported > 0 ? 1 : 0;
}
