/**
 * Pipeline benchmark (issue 2): a synthetic stack of N httpServices, each with its
 * scrape job, recording rules, error-ratio and latency alerts, tests and dashboard.
 * Prints, per N, wall time and peak RSS of synth+check+emit (files written, no tools),
 * and separately of verify (promtool, amtool, docker-compose). Each N runs in a fresh
 * process so peak memory is its own.
 *
 *   npm run bench pipeline            # N = 10, 100, 1000
 *   BENCH_N=10,100 npm run bench pipeline
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineStack, httpService, type Stack } from '../src/index.ts';
import { trySynth } from '../src/stack/synth.ts';
import { bundleFiles } from '../src/emit/files.ts';
import { writeTree } from '../src/emit/write.ts';
import { verifyBundle } from '../src/emit/verify.ts';

export function syntheticStack(n: number): Stack {
  return defineStack({
    name: `bench-${n}`,
    services: Array.from({ length: n }, (_, i) =>
      httpService({
        name: `svc-${String(i).padStart(4, '0')}`,
        targets: [`svc-${i}:8080`],
        alerts: { errorRatio: { above: 0.05, for: '2m' }, latency: { above: '1s', for: '5m' } },
      }),
    ),
    alerting: {
      receivers: { pager: { pagerduty: { routingKeyFile: '/run/secrets/pd' } }, chat: { slack: { apiUrlFile: '/run/secrets/slack', channel: '#a' } } },
      routes: [
        { match: { severity: 'critical' }, receiver: 'pager' },
        { match: { severity: 'warning' }, receiver: 'chat' },
      ],
    },
  });
}

function child(n: number): void {
  // Under out/, where real bundles go (this machine's /tmp is much slower for many small files).
  mkdirSync('out', { recursive: true });
  const dir = mkdtempSync(join('out', '.bench-'));
  try {
    const t0 = performance.now();
    const result = trySynth(syntheticStack(n));
    if (!result.bundle) throw new Error(result.diagnostics.errors.map((e) => e.message).join('\n'));
    const t1 = performance.now();
    const { files, counts } = bundleFiles(result.bundle);
    const t15 = performance.now();
    writeTree(dir, files);
    const t2 = performance.now();
    const rssBuild = process.resourceUsage().maxRSS * 1024;
    // The same files on tmpfs: what writing costs without this machine's disk, whose file
    // creation time varies by a factor of ten from one minute to the next.
    let tmpfsMs = NaN;
    if (existsSync('/dev/shm')) {
      const shm = mkdtempSync(join('/dev/shm', 'obsgen-bench-'));
      const w0 = performance.now();
      writeTree(shm, files);
      tmpfsMs = performance.now() - w0;
      rmSync(shm, { recursive: true, force: true });
    }
    const verify = verifyBundle(dir);
    const t3 = performance.now();
    if (!verify.ok) throw new Error(verify.ran.map((r) => `${r.tool}: ${r.output}`).join('\n'));
    console.log(
      JSON.stringify({ n, synthMs: t1 - t0, renderMs: t15 - t1, writeMs: t2 - t15, emitMs: t2 - t1, verifyMs: t3 - t2, tmpfsMs, bytes: [...files.values()].reduce((a, c) => a + Buffer.byteLength(c), 0), rssBuildMB: rssBuild / 2 ** 20, files: files.size, alerts: counts.alerts, ruleTests: counts.ruleTests, dashboards: counts.dashboards }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
function main() {
const arg = process.argv.find((a) => a.startsWith('--child='));
if (arg) {
  child(Number(arg.slice('--child='.length)));
} else {
  const ns = (process.env.BENCH_N ?? '10,100,1000').split(',').map(Number);
  const self = fileURLToPath(import.meta.url);
  const rows: Record<string, number>[] = [];
  for (const n of ns) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', self, `--child=${n}`], { encoding: 'utf8' });
    if (r.status !== 0) {
      console.error(r.stderr);
      process.exit(1);
    }
    rows.push(JSON.parse(r.stdout.trim().split('\n').at(-1)!));
  }
  const fmt = (x: number) => x.toFixed(0).padStart(8);
  console.log('     N  synth ms render ms  write ms  build ms  peak RSS MB  verify ms  tmpfs write ms   files  bundle MB  alerts  tests  dashboards');
  for (const r of rows) {
    console.log(
      `${String(r.n).padStart(6)}  ${fmt(r.synthMs!)} ${fmt(r.renderMs!)}  ${fmt(r.writeMs!)}  ${fmt(r.synthMs! + r.emitMs!)}     ${fmt(r.rssBuildMB!)}   ${fmt(r.verifyMs!)}  ${fmt(r.tmpfsMs!).padStart(14)}  ${String(r.files).padStart(6)}  ${(r.bytes! / 2 ** 20).toFixed(1).padStart(9)}  ${String(r.alerts).padStart(6)}  ${String(r.ruleTests).padStart(5)}  ${String(r.dashboards).padStart(10)}`,
    );
  }
  console.log('build = synth+check (synth) + render files in memory (render) + write to out/ (write); verify = promtool, amtool, docker-compose;');
  console.log('tmpfs write = the same files written to /dev/shm, for comparison (not part of build).');
  const first = rows[0]!;
  const last = rows.at(-1)!;
  const growth = (last.synthMs! + last.emitMs!) / (first.synthMs! + first.emitMs!) / (last.n! / first.n!);
  console.log(`build time per service, N=${last.n} vs N=${first.n}: ${growth.toFixed(2)}x (1.00 = linear)`);
}
}
