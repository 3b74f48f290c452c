/**
 * Correctness of obsgen's PromQL engine on Prometheus's own promqltest testdata (issue 14): per
 * file the eval cases passed, failed, and unsupported (native histograms and the like), the
 * overall rate, the rate over float-sample cases, and the failure reasons grouped. The files are
 * Prometheus's (Apache-2.0) and stay outside the repository:
 *
 *   git clone --depth 1 https://github.com/prometheus/prometheus /tmp/prometheus
 *   OBSGEN_PROMQLTEST_DIR=/tmp/prometheus/promql/promqltest/testdata npm run bench -- promqltest
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runPromqlTest } from '../src/promql/eval/promqltest.ts';

const dir = process.env.OBSGEN_PROMQLTEST_DIR;
if (!dir || !existsSync(dir)) {
  console.log('OBSGEN_PROMQLTEST_DIR is not set (or missing): point it at promql/promqltest/testdata of a Prometheus v3 checkout, e.g.');
  console.log('  git clone --depth 1 https://github.com/prometheus/prometheus /tmp/prometheus');
  console.log('  OBSGEN_PROMQLTEST_DIR=/tmp/prometheus/promql/promqltest/testdata npm run bench -- promqltest');
  console.log('skipped');
  process.exit(0);
}

/** The files issue 14 measures: float-sample PromQL. */
const TARGET = ['functions', 'operators', 'aggregators', 'selectors', 'staleness', 'subquery', 'at_modifier', 'literals', 'range_queries', 'collision', 'limit', 'trig_functions'];
const files = readdirSync(dir).filter((f) => f.endsWith('.test')).sort();
const reasons = new Map<string, number>();
const group = (msg: string): string =>
  msg
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\{[^}]*\}/g, '{…}')
    .replace(/-?\d+(\.\d+)?(e[+-]?\d+)?/g, 'N')
    .slice(0, 140);

const pad = (s: string | number, n: number) => String(s).padStart(n);
console.log(`${'file'.padEnd(28)} ${pad('passed', 7)} ${pad('failed', 7)} ${pad('unsupp.', 8)} ${pad('ms', 6)}`);
const totals = { target: { p: 0, f: 0, u: 0, uh: 0 }, all: { p: 0, f: 0, u: 0, uh: 0 } };
for (const f of files) {
  const t0 = performance.now();
  const r = runPromqlTest(readFileSync(join(dir, f), 'utf8'));
  const ms = performance.now() - t0;
  const p = r.cases.filter((c) => c.status === 'passed').length;
  const u = r.cases.filter((c) => c.status === 'unsupported');
  const uh = u.filter((c) => /native histogram/.test(c.message ?? '')).length;
  const fl = r.cases.length - p - u.length;
  const target = TARGET.includes(f.replace(/\.test$/, ''));
  for (const t of target ? [totals.target, totals.all] : [totals.all]) {
    t.p += p;
    t.f += fl;
    t.u += u.length;
    t.uh += uh;
  }
  console.log(`${(f + (target ? '' : ' (extra)')).padEnd(28)} ${pad(p, 7)} ${pad(fl, 7)} ${pad(u.length, 8)} ${pad(ms.toFixed(0), 6)}`);
  for (const c of r.cases) if (c.status !== 'passed') {
    const k = `${c.status}: ${group(c.message ?? '')}`;
    reasons.set(k, (reasons.get(k) ?? 0) + 1);
  }
}
const rate = (t: { p: number; f: number; u: number; uh: number }) =>
  `${t.p} passed, ${t.f + t.u} failed (${t.u} of them unsupported, ${t.uh} native histograms): ${((100 * t.p) / (t.p + t.f + t.u)).toFixed(1)}% of all eval cases, ${((100 * t.p) / (t.p + t.f + t.u - t.uh)).toFixed(1)}% of float-sample cases`;
console.log(`\nissue 14's files: ${rate(totals.target)}`);
console.log(`every file:       ${rate(totals.all)}`);
console.log('\nreasons (grouped, most frequent first):');
for (const [k, n] of [...reasons].sort((a, b) => b[1] - a[1])) console.log(`${pad(n, 5)}  ${k}`);
