/**
 * Differential check of obsgen's rule-test engine against promtool: every test file under the
 * given bundles' prometheus/tests/ runs through both; the exit code, stdout and stderr are
 * compared. Used by bench/ruletest.bench.ts and test/ruletest/differential.test.ts; as a script:
 *   node --import tsx scripts/ruletest-differential.ts out/financial-api out/...
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { engineFactory } from '../src/ruletest/engine.ts';
import { testRules, type ReportLine } from '../src/ruletest/report.ts';

export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface Difference {
  file: string;
  promtool: Outcome;
  engine: Outcome;
}

export function testFilesOf(bundleDirs: string[]): string[] {
  return bundleDirs.flatMap((d) => {
    const dir = resolve(d, 'prometheus/tests');
    return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.test.yml')).sort().map((f) => join(dir, f)) : [];
  });
}

export function viaPromtool(file: string): Outcome {
  const t0 = performance.now();
  const r = spawnSync('promtool', ['test', 'rules', file], { encoding: 'utf8', timeout: 600_000 });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '', ms: performance.now() - t0 };
}

export function viaEngine(file: string): Outcome {
  const t0 = performance.now();
  const lines: ReportLine[] = [];
  const { exitCode } = testRules([file], { engine: engineFactory }, (l) => lines.push(l));
  const text = (s: ReportLine['stream']): string => lines.filter((l) => l.stream === s).map((l) => `${l.text}\n`).join('');
  return { code: exitCode, stdout: text('stdout'), stderr: text('stderr'), ms: performance.now() - t0 };
}

export function differential(files: string[]): { differences: Difference[]; promtoolMs: number; engineMs: number; files: number } {
  const differences: Difference[] = [];
  let promtoolMs = 0;
  let engineMs = 0;
  for (const f of files) {
    const p = viaPromtool(f);
    const e = viaEngine(f);
    promtoolMs += p.ms;
    engineMs += e.ms;
    if (p.code !== e.code || p.stdout !== e.stdout || p.stderr !== e.stderr) differences.push({ file: f, promtool: p, engine: e });
  }
  return { differences, promtoolMs, engineMs, files: files.length };
}

if (process.argv[1]?.endsWith('ruletest-differential.ts')) {
  const r = differential(testFilesOf(process.argv.slice(2)));
  for (const d of r.differences) {
    console.log(`DIFFERENT ${d.file}: promtool exit ${d.promtool.code}, engine exit ${d.engine.code}`);
    console.log(`--- promtool\n${d.promtool.stdout}${d.promtool.stderr}--- engine\n${d.engine.stdout}${d.engine.stderr}`);
  }
  console.log(`${r.files} files, ${r.differences.length} different; promtool ${(r.promtoolMs / 1000).toFixed(1)} s, engine ${(r.engineMs / 1000).toFixed(1)} s`);
}
