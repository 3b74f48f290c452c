/**
 * Rule-test benchmark (issue 14): the seed stacks' generated rule tests through obsgen's engine
 * and through promtool, side by side in one run (per file, the same file through both, verdicts
 * compared), then a generated 1,000-service stack's tests through the engine.
 * Targets: the engine at least 10x faster than promtool on the seed stacks; the 1,000-service
 * stack under 30 s.
 *
 *   npm run bench -- ruletest     # BENCH_SERVICES=1000; BENCH_ROUNDS=1 (whole-command rounds); BENCH_SLOS=1 adds an availability SLO to every
 *                                 # service (its merged SLO test file grows with the square of the services)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineStack, httpService } from '../src/index.ts';
import { hasTool } from '../src/emit/verify.ts';
import { buildStack } from '../src/stack/build.ts';
import { loadStack, stackFiles } from '../src/stack/load.ts';
import { engineFactory } from '../src/ruletest/engine.ts';
import { testRules } from '../src/ruletest/report.ts';
import { differential, testFilesOf, viaEngine } from '../scripts/ruletest-differential.ts';

/** Runs a command, with its wall time and CPU time (user + system, its threads and children) from GNU time. */
function timedCommand(argv: string[]): { code: number; wallMs: number; cpuMs: number } {
  const out = join(tmpdir(), `obsgen-bench-time-${process.pid}`);
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', '-o', out, ...argv], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const wallMs = performance.now() - t0;
  const [u, s] = readFileSync(out, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
  rmSync(out, { force: true });
  return { code: r.status ?? -1, wallMs, cpuMs: (u! + s!) * 1000 };
}

const root = mkdtempSync(join(tmpdir(), 'obsgen-bench-ruletest-'));
try {
  const dirs: string[] = [];
  for (const file of stackFiles('stacks')) {
    const stack = await loadStack(file);
    if ('error' in stack) throw new Error(stack.error);
    const r = buildStack(stack, root, { verify: false });
    if (!r.ok) throw new Error(`${file} does not build`);
    dirs.push(join(root, r.stack));
  }
  const files = testFilesOf(dirs);
  if (hasTool('promtool') && existsSync('/usr/bin/time')) {
    const d = differential(files);
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    console.log(`seed stacks: ${files.length} test files, each through promtool and obsgen's engine in turn`);
    console.log(`  promtool:        ${s(d.promtoolMs)} wall, ${s(d.promtoolCpuMs)} CPU`);
    console.log(`  obsgen's engine: ${s(d.engineMs)} wall, ${s(d.engineCpuMs)} CPU`);
    console.log(`  speed-up: ${(d.promtoolMs / d.engineMs).toFixed(1)}x wall, ${(d.promtoolCpuMs / d.engineCpuMs).toFixed(1)}x CPU (target >= 10x: ${d.promtoolMs / d.engineMs >= 10 ? 'met' : 'MISSED'})`);
    console.log(`  verdicts and reports identical: ${files.length - d.differences.length}/${files.length}${d.differences.length ? ` (different: ${d.differences.map((x) => x.file).join(', ')})` : ''}`);
    // The same files as one command each, start-up included, in turn: what a user or a hook runs.
    const cmds = { promtool: ['promtool', 'test', 'rules'], obsgen: [process.execPath, 'bin/obsgen.js', 'test-rules'] };
    const totals = { promtool: { wall: 0, cpu: 0 }, obsgen: { wall: 0, cpu: 0 } };
    const rounds = Number(process.env.BENCH_ROUNDS ?? 1);
    for (let i = 0; i < rounds; i++) {
      for (const [name, cmd] of Object.entries(cmds) as [keyof typeof cmds, string[]][]) {
        const r = timedCommand([...cmd, ...files]);
        if (r.code !== 0) throw new Error(`${name} failed on the seed stacks' tests`);
        totals[name].wall += r.wallMs;
        totals[name].cpu += r.cpuMs;
      }
    }
    const avg = (ms: number) => `${(ms / rounds / 1000).toFixed(1)} s`;
    console.log(`  as one command over all ${files.length} files, start-up included (alternating, mean of ${rounds}; obsgen from ${existsSync('dist/.compiled') ? 'dist/ when current' : 'src/ through tsx'}):`);
    console.log(`    promtool test rules: ${avg(totals.promtool.wall)} wall, ${avg(totals.promtool.cpu)} CPU`);
    console.log(`    obsgen test-rules:   ${avg(totals.obsgen.wall)} wall, ${avg(totals.obsgen.cpu)} CPU`);
    console.log(`    speed-up: ${(totals.promtool.wall / totals.obsgen.wall).toFixed(1)}x wall, ${(totals.promtool.cpu / totals.obsgen.cpu).toFixed(1)}x CPU`);
  } else {
    let ms = 0;
    for (const f of files) ms += viaEngine(f).ms;
    console.log(`seed stacks: ${files.length} test files through obsgen's engine: ${(ms / 1000).toFixed(1)} s (promtool not on PATH: no comparison)`);
  }

  const n = Number(process.env.BENCH_SERVICES ?? 1000);
  const withSlos = process.env.BENCH_SLOS === '1';
  const big = defineStack({
    name: `bench-rules-${n}`,
    services: Array.from({ length: n }, (_, i) =>
      httpService({
        name: `svc-${String(i).padStart(4, '0')}`,
        targets: [`svc-${i}:8080`],
        alerts: { errorRatio: { above: 0.05, for: '2m' }, latency: { above: '1s', for: '5m' } },
        ...(withSlos ? { slos: [{ name: 'availability', objective: 99.9, window: '30d', sli: { errorRatio: {} } }] } : {}),
      }),
    ),
    alerting: { receivers: { pager: { webhook: { url: 'http://127.0.0.1:9/hook' } } }, routes: [{ match: { severity: 'critical' }, receiver: 'pager' }] },
  });
  const t0 = performance.now();
  const r = buildStack(big, root, { verify: false });
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  const buildMs = performance.now() - t0;
  const bigFiles = testFilesOf([join(root, r.stack)]);
  const t1 = performance.now();
  const c1 = process.cpuUsage();
  const run = testRules(bigFiles, { engine: engineFactory });
  const ms = performance.now() - t1;
  const c = process.cpuUsage(c1);
  const failed = run.results.filter((x) => !x.ok).length;
  console.log(
    `${n} services${withSlos ? ' with an availability SLO each' : ''}: ${r.counts!.ruleTests} rule tests in ${bigFiles.length} files through obsgen's engine (one run, as obsgen test does): ${(ms / 1000).toFixed(1)} s wall, ${((c.user + c.system) / 1e6).toFixed(1)} s CPU, ${failed} files failed (build ${(buildMs / 1000).toFixed(1)} s; target < 30 s: ${ms < 30_000 ? 'met' : 'MISSED'})`,
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
