/**
 * Differential check of obsgen's rule-test engine against promtool: every test file under the
 * given bundles' prometheus/tests/ runs through both; the exit code, stdout and stderr are
 * compared. Used by bench/ruletest.bench.ts and test/ruletest/differential.test.ts; as a script:
 *   node --import tsx scripts/ruletest-differential.ts out/financial-api out/...
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { engineFactory } from '../src/ruletest/engine.ts';
import { testRules, type ReportLine } from '../src/ruletest/report.ts';

export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
  /** CPU time (user + system) the run took, in ms. */
  cpuMs: number;
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

const cpuFile = join(tmpdir(), `obsgen-promtool-cpu-${process.pid}`);

export function viaPromtool(file: string): Outcome {
  const t0 = performance.now();
  // GNU time reports promtool's CPU seconds (its threads included) to a file, leaving its output alone.
  const timed = existsSync('/usr/bin/time');
  const r = timed
    ? spawnSync('/usr/bin/time', ['-f', '%U %S', '-o', cpuFile, 'promtool', 'test', 'rules', file], { encoding: 'utf8', timeout: 600_000 })
    : spawnSync('promtool', ['test', 'rules', file], { encoding: 'utf8', timeout: 600_000 });
  const ms = performance.now() - t0;
  const cpu = timed ? readFileSync(cpuFile, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number) : [NaN, NaN];
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '', ms, cpuMs: (cpu[0]! + cpu[1]!) * 1000 };
}

/** viaPromtool without blocking the event loop (vitest's worker must keep answering its RPC). */
export function viaPromtoolAsync(file: string): Promise<Outcome> {
  return new Promise((done) => {
    const t0 = performance.now();
    const out = `${cpuFile}-${Math.random().toString(36).slice(2)}`;
    const timed = existsSync('/usr/bin/time');
    const p = timed ? spawn('/usr/bin/time', ['-f', '%U %S', '-o', out, 'promtool', 'test', 'rules', file]) : spawn('promtool', ['test', 'rules', file]);
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (code) => {
      const cpu = timed ? readFileSync(out, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number) : [NaN, NaN];
      if (timed) rmSync(out, { force: true });
      done({ code: code ?? -1, stdout, stderr, ms: performance.now() - t0, cpuMs: (cpu[0]! + cpu[1]!) * 1000 });
    });
  });
}

export function viaEngine(file: string): Outcome {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const lines: ReportLine[] = [];
  const { exitCode } = testRules([file], { engine: engineFactory }, (l) => lines.push(l));
  const text = (s: ReportLine['stream']): string => lines.filter((l) => l.stream === s).map((l) => `${l.text}\n`).join('');
  const c = process.cpuUsage(c0);
  return { code: exitCode, stdout: text('stdout'), stderr: text('stderr'), ms: performance.now() - t0, cpuMs: (c.user + c.system) / 1000 };
}

export function differential(files: string[]): { differences: Difference[]; promtoolMs: number; engineMs: number; promtoolCpuMs: number; engineCpuMs: number; files: number } {
  const differences: Difference[] = [];
  let promtoolMs = 0;
  let engineMs = 0;
  let promtoolCpuMs = 0;
  let engineCpuMs = 0;
  for (const f of files) {
    const p = viaPromtool(f);
    const e = viaEngine(f);
    promtoolMs += p.ms;
    engineMs += e.ms;
    promtoolCpuMs += p.cpuMs;
    engineCpuMs += e.cpuMs;
    if (p.code !== e.code || p.stdout !== e.stdout || p.stderr !== e.stderr) differences.push({ file: f, promtool: p, engine: e });
  }
  return { differences, promtoolMs, engineMs, promtoolCpuMs, engineCpuMs, files: files.length };
}

if (process.argv[1]?.endsWith('ruletest-differential.ts')) {
  const r = differential(testFilesOf(process.argv.slice(2)));
  for (const d of r.differences) {
    console.log(`DIFFERENT ${d.file}: promtool exit ${d.promtool.code}, engine exit ${d.engine.code}`);
    console.log(`--- promtool\n${d.promtool.stdout}${d.promtool.stderr}--- engine\n${d.engine.stdout}${d.engine.stderr}`);
  }
  console.log(`${r.files} files, ${r.differences.length} different; promtool ${(r.promtoolMs / 1000).toFixed(1)} s wall ${(r.promtoolCpuMs / 1000).toFixed(1)} s CPU, engine ${(r.engineMs / 1000).toFixed(1)} s wall ${(r.engineCpuMs / 1000).toFixed(1)} s CPU`);
}
