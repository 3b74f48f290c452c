/**
 * Stops a build whose launcher is gone. `npx obsgen build` runs as npm exec -> sh -c ->
 * node; killing npm exec (a CI timeout, `kill <pid>`) does not reach node, which would
 * otherwise finish and replace out/ long after the user gave up on it. obsgen records the
 * processes above it when it starts and, before it replaces a bundle, checks they still run.
 *
 * Only the processes between obsgen and the session leader (the user's shell, a CI step's
 * shell started with setsid) are watched: a build sent to the background of a shell that is
 * then closed (`obsgen build & disown`) runs on, as it would without this guard. Machines
 * without /proc check only the direct parent.
 */
import { readFileSync } from 'node:fs';

interface Ancestor {
  pid: number;
  /** Start time in clock ticks since boot: tells a reused pid from the original process. */
  start: string;
  command: string;
}

function procStat(pid: number | 'self'): { ppid: number; session: number; start: string; command: string; exited: boolean } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const command = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    // After "pid (comm) ": state ppid pgrp session ... starttime is field 22 overall, 20th here.
    // A killed process stays a zombie (Z) until its parent reaps it.
    return { ppid: Number(fields[1]), session: Number(fields[3]), start: fields[19] ?? '', command, exited: fields[0] === 'Z' || fields[0] === 'X' };
  } catch {
    return undefined;
  }
}

/** The processes above this one, nearest first, up to (not including) the session leader or init. */
function ancestors(): Ancestor[] | undefined {
  const self = procStat('self');
  if (!self) return undefined;
  const list: Ancestor[] = [];
  let pid = process.ppid;
  for (let depth = 0; pid > 1 && pid !== self.session && depth < 64; depth++) {
    const s = procStat(pid);
    if (!s) break;
    list.push({ pid, start: s.start, command: s.command });
    pid = s.ppid;
  }
  return list;
}

export interface LauncherGuard {
  /** Why the build should stop now, or undefined while everything that started it still runs. */
  stopReason(): string | undefined;
}

export function watchLauncher(): LauncherGuard {
  const startPpid = process.ppid;
  const above = ancestors();
  return {
    stopReason() {
      if (!above) {
        return process.ppid !== startPpid ? `the process that started obsgen (pid ${startPpid}) has exited` : undefined;
      }
      for (const a of above) {
        const now = procStat(a.pid);
        if (!now || now.exited || now.start !== a.start) return `the process that started obsgen (${a.command}, pid ${a.pid}) has exited`;
      }
      return undefined;
    },
  };
}
