/**
 * Processes the runner starts: detached (own process group, so a `sh -c` or a wrapper and
 * its children stop together), output appended to a log file, identified by pid plus the
 * kernel's start time so a recycled pid is never signalled.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';

export interface SpawnSpec {
  name: string;
  argv: string[];
  env?: Record<string, string>;
  cwd?: string;
  log: string;
  pidFile: string;
  uid?: number;
  gid?: number;
}

export interface Started {
  pid: number;
  startTime: string;
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot) and the state letter. */
export function procStat(pid: number): { state: string; startTime: string } | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { state: rest[0]!, startTime: rest[19]! };
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number, startTime?: string): boolean {
  const st = procStat(pid);
  if (!st || st.state === 'Z' || st.state === 'X') return false;
  return startTime === undefined || st.startTime === startTime;
}

export function spawnManaged(spec: SpawnSpec): Started {
  const fd = openSync(spec.log, 'a');
  try {
    writeFileSync(fd, `# obsgen: ${new Date().toISOString()} starting ${spec.name}: ${spec.argv.join(' ')}\n`);
    const child = spawn(spec.argv[0]!, spec.argv.slice(1), {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', fd, fd],
      detached: true,
      ...(spec.uid !== undefined ? { uid: spec.uid } : {}),
      ...(spec.gid !== undefined ? { gid: spec.gid } : {}),
    });
    // A spawn error (ENOENT) arrives asynchronously; the readiness wait reports the dead pid.
    child.on('error', (e) => {
      try {
        writeFileSync(spec.log, `# obsgen: cannot start ${spec.argv[0]}: ${e.message}\n`, { flag: 'a' });
      } catch {
        /* log folder removed */
      }
    });
    child.unref();
    const pid = child.pid;
    if (!pid) throw new Error(`${spec.name}: cannot start ${spec.argv[0]}`);
    const startTime = procStat(pid)?.startTime ?? '';
    writeFileSync(spec.pidFile, `${pid}\n`);
    return { pid, startTime };
  } finally {
    closeSync(fd);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig); // the process group the runner created with detached: true
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      /* already gone */
    }
  }
}

export interface StopResult {
  pid: number;
  how: 'not-running' | 'SIGTERM' | 'SIGINT' | 'SIGKILL';
  ms: number;
}

/** Stop one started process: its signal (SIGTERM by default), then SIGKILL after waitMs. */
export async function stopProcess(pid: number, startTime: string, sig: NodeJS.Signals = 'SIGTERM', waitMs = 10_000): Promise<StopResult> {
  const t0 = Date.now();
  if (!isAlive(pid, startTime)) return { pid, how: 'not-running', ms: 0 };
  signal(pid, sig);
  while (Date.now() - t0 < waitMs) {
    if (!isAlive(pid, startTime)) return { pid, how: sig as StopResult['how'], ms: Date.now() - t0 };
    await sleep(50);
  }
  signal(pid, 'SIGKILL');
  for (let i = 0; i < 40 && isAlive(pid, startTime); i++) await sleep(50);
  return { pid, how: 'SIGKILL', ms: Date.now() - t0 };
}

/** Synchronous last resort (process 'exit' handlers): SIGKILL each group still alive. */
export function killNow(procs: { pid: number; startTime: string }[]): void {
  for (const p of procs) if (isAlive(p.pid, p.startTime)) signal(p.pid, 'SIGKILL');
}

export function readPidFile(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const n = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(n) && n > 0 ? n : undefined;
}
