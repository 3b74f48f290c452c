import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isTempName, removeStaleTemps, writeAtomically } from '../../src/emit/write.ts';
import { tempDir } from '../helpers.ts';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/obsgen.js');
const files = (text: string) =>
  new Map([
    ['manifest.json', text],
    ['prometheus/rules/a.rules.yml', 'groups: []\n'],
  ]);
const ok = () => ({ ok: true });

/** A pid that no process has: a child that has exited and been reaped. */
function deadPid(): number {
  const r = spawnSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' });
  return Number(r.stdout.trim());
}

function makeTemp(parent: string, name: string, ageMs = 0): string {
  const dir = join(parent, name);
  mkdirSync(join(dir, 'prometheus'), { recursive: true });
  writeFileSync(join(dir, 'manifest.json'), '{}');
  const t = (Date.now() - ageMs) / 1000;
  utimesSync(dir, t, t);
  return dir;
}

describe('atomic bundle writes', () => {
  it('removes temp folders of killed builds, keeps those of running builds', () => {
    const out = tempDir();
    const target = join(out, 'shop');
    const live = spawn('sleep', ['30']);
    try {
      makeTemp(out, `.shop.tmp-${deadPid()}-a1b2c3`); // killed build: its pid is gone
      makeTemp(out, `.shop.tmp-${deadPid()}-d4e5f6.old`); // killed mid-swap
      makeTemp(out, `.shop.tmp-${live.pid}-g7h8i9`); // another build running now
      makeTemp(out, '.shop.tmp-Xy12Ab', 60 * 60_000); // name without a pid (older obsgen), an hour old
      makeTemp(out, '.shop.tmp-Zz99Zz'); // name without a pid, fresh: could be in use
      const other = `.other.tmp-${deadPid()}-j0k1l2`;
      makeTemp(out, other); // another stack's: not ours to judge here
      const removed = removeStaleTemps(target).sort();
      expect(removed).toHaveLength(3);
      expect(readdirSync(out).sort()).toEqual([other, '.shop.tmp-Zz99Zz', `.shop.tmp-${live.pid}-g7h8i9`].sort());
    } finally {
      live.kill('SIGKILL');
    }
  });

  it('a build removes what a killed build left behind', () => {
    const out = tempDir();
    makeTemp(out, `.shop.tmp-${deadPid()}-a1b2c3`);
    writeAtomically(join(out, 'shop'), files('{"v":1}'), ok);
    expect(readdirSync(out)).toEqual(['shop']);
  });

  it('writes world-readable folders and files whatever the umask', () => {
    const out = tempDir();
    const before = process.umask(0o077);
    try {
      writeAtomically(join(out, 'shop'), files('{}'), ok);
    } finally {
      process.umask(before);
    }
    const mode = (p: string) => statSync(join(out, p)).mode & 0o777;
    expect(mode('shop')).toBe(0o755);
    expect(mode('shop/prometheus')).toBe(0o755);
    expect(mode('shop/prometheus/rules')).toBe(0o755);
    expect(mode('shop/prometheus/rules/a.rules.yml')).toBe(0o644);
    expect(mode('shop/manifest.json')).toBe(0o644);
  });

  it('a stop before the swap leaves the previous bundle and no temp folder', () => {
    const out = tempDir();
    const target = join(out, 'shop');
    writeAtomically(target, files('{"v":1}'), ok);
    const r = writeAtomically(target, files('{"v":2}'), ok, { stopReason: () => 'launcher exited' });
    expect(r).toEqual({ ok: false, stopped: 'launcher exited' });
    expect(readFileSync(join(target, 'manifest.json'), 'utf8')).toBe('{"v":1}');
    expect(readdirSync(out)).toEqual(['shop']);
  });

  it('temp names are never bundles', () => {
    expect(isTempName('.shop.tmp-123-abcdef')).toBe(true);
    expect(isTempName('.shop.tmp-123-abcdef.old')).toBe(true);
    expect(isTempName('shop')).toBe(false);
    const out = tempDir();
    makeTemp(out, `.shop.tmp-${process.pid}-abcdef`);
    const r = spawnSync('node', [BIN, 'test', '--out', out], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`no bundle in ${out}`);
  });
});

describe('launcher watch', () => {
  // A node process under `sh -c '...; true'` (so sh stays its parent), polling the guard.
  const probe = (report: string) =>
    `import { watchLauncher } from ${JSON.stringify(join(ROOT, 'src/cli/launcher.ts'))};
import { writeFileSync } from 'node:fs';
const guard = watchLauncher();
writeFileSync(${JSON.stringify(report)}, 'ready');
let n = 0;
const t = setInterval(() => {
  const why = guard.stopReason();
  if (why || ++n > 200) { writeFileSync(${JSON.stringify(report)}, why ?? 'still running'); clearInterval(t); }
}, 25);`;

  async function runUnderShell(prefix: '' | 'setsid'): Promise<string> {
    const dir = tempDir();
    const script = join(dir, 'probe.mts');
    const report = join(dir, 'report');
    writeFileSync(script, probe(report));
    const command = ['sh', '-c', `node --import tsx ${script}; true`];
    const sh = prefix ? spawn(prefix, command, { cwd: ROOT, stdio: 'ignore' }) : spawn(command[0]!, command.slice(1), { cwd: ROOT, stdio: 'ignore' });
    for (let i = 0; i < 200 && !existsSync(report); i++) await new Promise((r) => setTimeout(r, 50));
    expect(readFileSync(report, 'utf8')).toBe('ready');
    sh.kill('SIGKILL');
    for (let i = 0; i < 200 && readFileSync(report, 'utf8') === 'ready'; i++) await new Promise((r) => setTimeout(r, 50));
    return readFileSync(report, 'utf8');
  }

  it('tells a build to stop once the process that started it is killed', async () => {
    expect(await runUnderShell('')).toMatch(/^the process that started obsgen \(sh, pid \d+\) has exited$/);
  });

  it('lets a build run on when the shell it was sent to the background of is closed', async () => {
    // setsid makes sh a session leader, as an interactive shell is.
    expect(await runUnderShell('setsid')).toBe('still running');
  });
});
