/**
 * Lint benchmark (issue 6): lints the bundle of every stack in stacks/ and prints, per
 * stack, synth time and the in-process lint time (every check but amtool), then the
 * amtool route tests of all stacks run in parallel, as the CLI runs them. The target: linting the seed stacks' bundles takes under 1 s.
 *
 *   npm run bench lint
 */
import { hasTool } from '../src/emit/verify.ts';
import { amtoolRouteTests } from '../src/lint/alertmanager.ts';
import { fromBundle, lintInput } from '../src/lint/index.ts';
import { loadStack, stackFiles } from '../src/stack/load.ts';
import { trySynth } from '../src/stack/synth.ts';

const RUNS = 5;
const inputs: ReturnType<typeof fromBundle>[] = [];
const rows: { stack: string; synthMs: number; lintMs: number; lintBestMs: number; findings: number; rules: number; dashboards: number }[] = [];
for (const file of stackFiles('stacks')) {
  const stack = await loadStack(file);
  if ('error' in stack) throw new Error(stack.error);
  const t0 = performance.now();
  const r = trySynth(stack);
  const synthMs = performance.now() - t0;
  if (!r.bundle) throw new Error(`${file}: synth failed`);
  const times: number[] = [];
  let findings = 0;
  for (let i = 0; i < RUNS; i++) {
    const t1 = performance.now();
    findings = lintInput(fromBundle(r.bundle, r.diagnostics.items)).length;
    times.push(performance.now() - t1);
  }
  inputs.push(fromBundle(r.bundle));
  rows.push({
    stack: r.bundle.stack,
    synthMs,
    lintMs: times[0]!,
    lintBestMs: Math.min(...times),
    findings,
    rules: r.bundle.ruleGroups.reduce((n, g) => n + g.rules.length, 0),
    dashboards: r.bundle.dashboards.length,
  });
}
const f = (x: number) => (Number.isNaN(x) ? '     n/a' : x.toFixed(0).padStart(8));
console.log('stack                      rules  dashboards  synth ms  lint ms (first)  lint ms (best of 5)  findings');
for (const r of rows) {
  console.log(`${r.stack.padEnd(26)} ${String(r.rules).padStart(5)}  ${String(r.dashboards).padStart(10)}  ${f(r.synthMs)}  ${f(r.lintMs).padStart(15)}  ${f(r.lintBestMs).padStart(19)}  ${String(r.findings).padStart(8)}`);
}
const first = rows.reduce((n, r) => n + r.lintMs, 0);
// The CLI runs every stack's amtool route tests at once; so does this.
const t3 = performance.now();
if (hasTool('amtool')) await Promise.all(inputs.map((i) => amtoolRouteTests(i)));
const amtool = hasTool('amtool') ? performance.now() - t3 : 0;
console.log(`lint of all ${rows.length} seed bundle(s): ${first.toFixed(0)} ms in process (first run, cold), + ${amtool.toFixed(0)} ms amtool route tests (all stacks in parallel); in-process target < 1000 ms: ${first < 1000 ? 'met' : 'MISSED'}`);
