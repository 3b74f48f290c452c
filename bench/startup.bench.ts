/**
 * Start-up of the obsgen command against a bare `node -e 0`: `obsgen --help` from the compiled
 * dist/ (what the npm package runs) and from the TypeScript sources through tsx, and a lint of
 * one small rule file. Medians of N runs, each in a fresh process.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin/obsgen.js');
const N = Number(process.env.RUNS ?? 15);

if (!existsSync(join(ROOT, 'dist/.compiled'))) {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts/compile.mjs')], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(1);
}

const dir = mkdtempSync(join(tmpdir(), 'obsgen-startup-'));
const rules = join(dir, 'a.rules.yml');
writeFileSync(rules, 'groups:\n  - name: a\n    rules:\n      - alert: Down\n        expr: up == 0\n        for: 5m\n        labels: { severity: critical }\n        annotations: { summary: down }\n');

function median(args: string[], env: Record<string, string> = {}): number {
  const times: number[] = [];
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: 'ignore' });
    times.push(performance.now() - t0);
    if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(' ')} exited ${r.status}`);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const base = median(['-e', '0']);
const rows: [string, number][] = [
  ['node -e 0', base],
  ['obsgen --help (dist/)', median([BIN, '--help'])],
  ['obsgen --help (src/ through tsx)', median([BIN, '--help'], { OBSGEN_SOURCE: '1' })],
  ['obsgen lint --rules one file (dist/)', median([BIN, 'lint', '--rules', rules])],
  ['obsgen lint --rules one file (src/)', median([BIN, 'lint', '--rules', rules], { OBSGEN_SOURCE: '1' })],
];
console.log(`start-up, median of ${N} runs each`);
for (const [what, ms] of rows) console.log(`${what.padEnd(40)} ${ms.toFixed(0).padStart(6)} ms  ${(ms / base).toFixed(1).padStart(5)}x node -e 0`);
rmSync(dir, { recursive: true, force: true });
