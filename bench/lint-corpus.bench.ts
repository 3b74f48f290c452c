/**
 * Lint over a corpus of public rule files (issue 13), in one process: findings per check id
 * and severity, the files that would fail CI, with and without a prometheus.yml, and
 * lint's speed against promtool's. The corpus lives outside the repository (docs/lint.md
 * says how to fetch it): a directory of `<source>/<file>.yml` plus, for the `--config` run,
 * a prometheus.yml and the list of files it loads.
 *
 *   node scripts/lint-corpus.mjs                 # fetch the corpus (OBSGEN_CORPUS, default /tmp/obsgen-lint-corpus)
 *   npm run bench -- lint-corpus
 *   OBSGEN_CORPUS_DUMP=findings.json npm run bench -- lint-corpus   # every finding, for review
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromFiles, lintInput, type Finding } from '../src/lint/index.ts';

const root = process.env.OBSGEN_CORPUS ?? '/tmp/obsgen-lint-corpus';
const filesDir = join(root, 'files');
if (!existsSync(filesDir)) {
  console.log(`no corpus at ${filesDir} (set OBSGEN_CORPUS; docs/lint.md lists the sources); skipped`);
  process.exit(0);
}
const sources = readdirSync(filesDir).sort();
const bySource = new Map(sources.map((s) => [s, readdirSync(join(filesDir, s)).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => join(filesDir, s, f))]));
const all = [...bySource.values()].flat();
const config = join(root, 'prometheus.yml');
// The --config run covers the rule sets that config is written for: one rule set per source.
const K8S = /^(kube-prometheus|openshift)\/|^mixins\/(kubernetes|node-exporter|kube-state-metrics|prometheus|alertmanager|prometheus-operator|coredns|etcd|grafana)__/;

interface Run {
  name: string;
  files: number;
  findings: Finding[];
  ms: number;
}

function tally(run: Run): void {
  const byId = new Map<string, { error: number; warning: number; info: number }>();
  for (const f of run.findings) {
    const row = byId.get(f.id) ?? { error: 0, warning: 0, info: 0 };
    row[f.severity as 'error' | 'warning' | 'info'] = (row[f.severity as 'error' | 'warning' | 'info'] ?? 0) + 1;
    byId.set(f.id, row);
  }
  const failing = new Set(run.findings.filter((f) => f.severity === 'error').map((f) => f.file));
  const total = (s: string) => run.findings.filter((f) => f.severity === s).length;
  console.log(`\n${run.name}: ${run.files} files, ${total('error')} errors, ${total('warning')} warnings, ${total('info')} info; ${failing.size} files fail (exit 1); ${run.ms.toFixed(0)} ms (${((run.files / run.ms) * 1000).toFixed(0)} files/s)`);
  console.log('  check id                          errors  warnings  info');
  for (const [id, r] of [...byId].sort((a, b) => a[0].localeCompare(b[0]))) {
    console.log(`  ${id.padEnd(32)} ${String(r.error).padStart(7)} ${String(r.warning).padStart(9)} ${String(r.info).padStart(5)}`);
  }
  if (failing.size) console.log(`  failing: ${[...failing].map((f) => f?.slice(filesDir.length + 1)).join(', ')}`);
}

function timed(name: string, files: number, fn: () => Finding[]): Run {
  const t0 = performance.now();
  const findings = fn();
  return { name, files, findings, ms: performance.now() - t0 };
}

// Without a config: every file is its own rule set, all linted in this one process.
const plain = timed('without --config', all.length, () => all.flatMap((f) => lintInput(fromFiles({ rules: [f] }))));
// With the k8s config: one rule set per source (the files a deployment loads together).
const k8s = all.filter((f) => K8S.test(f.slice(filesDir.length + 1)));
const withConfig = existsSync(config)
  ? timed('with --config (k8s rule sets)', k8s.length, () =>
      sources.flatMap((s) => {
        const set = k8s.filter((f) => f.startsWith(join(filesDir, s) + '/'));
        return set.length ? lintInput(fromFiles({ rules: set, config })) : [];
      }),
    )
  : undefined;
// Every file in one call without config, as `--rules dir/` does: duplicates stay within a file.
const oneCall = timed('all files in one call (--rules DIR)', all.length, () => lintInput(fromFiles({ rules: all })));

console.log(`corpus: ${root} (${sources.map((s) => `${s} ${bySource.get(s)!.length}`).join(', ')})`);
for (const r of [plain, ...(withConfig ? [withConfig] : []), oneCall]) tally(r);

if (process.env.OBSGEN_CORPUS_DUMP) {
  const strip = (f: Finding) => ({ ...f, file: f.file?.startsWith(filesDir) ? f.file.slice(filesDir.length + 1) : f.file });
  writeFileSync(process.env.OBSGEN_CORPUS_DUMP, JSON.stringify({ plain: plain.findings.map(strip), withConfig: withConfig?.findings.map(strip) ?? [] }, null, 1));
  console.log(`\nfindings written to ${process.env.OBSGEN_CORPUS_DUMP}`);
}

// Speed: promtool over every file in one call; obsgen in process; start-up of one CLI call.
function wall(cmd: string, args: string[]): number {
  const t0 = performance.now();
  spawnSync(cmd, args, { stdio: 'ignore' });
  return performance.now() - t0;
}
const best = (n: number, f: () => number) => Math.min(...Array.from({ length: n }, f));
console.log('\nspeed');
if (spawnSync('promtool', ['--version'], { stdio: 'ignore' }).status === 0) {
  const ms = wall('promtool', ['check', 'rules', ...all]);
  console.log(`  promtool check rules, ${all.length} files in one call: ${ms.toFixed(0)} ms (${((all.length / ms) * 1000).toFixed(0)} files/s)`);
}
console.log(`  obsgen lint in process, ${all.length} files: ${plain.ms.toFixed(0)} ms (${((all.length / plain.ms) * 1000).toFixed(0)} files/s)`);
const nodeMs = best(3, () => wall(process.execPath, ['-e', '0']));
const cliMs = best(3, () => wall(process.execPath, ['bin/obsgen.js', 'lint', '--no-amtool', '--rules', all[0]!]));
console.log(`  start-up: node -e 0 ${nodeMs.toFixed(0)} ms; obsgen lint --rules <one file> ${cliMs.toFixed(0)} ms (best of 3); one call per file would take ~${((cliMs * all.length) / 1000).toFixed(0)} s`);
