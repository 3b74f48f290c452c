/**
 * Atomic bundle writes: files go to a temp folder beside the target, verification runs
 * there, and only then does the temp folder replace out/<stack>/. A failed build leaves
 * the previous bundle exactly as it was.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Bundles are read by other users: Debian's `prometheus` user, a container's `nobody`, Grafana's
 * uid 472. Modes are set explicitly so a restrictive umask (or mkdtemp's 0700) cannot lock them
 * out, as config management would. obsgen never writes a secret, so nothing here is private.
 */
export const BUNDLE_DIR_MODE = 0o755;
export const BUNDLE_FILE_MODE = 0o644;

/** A temp folder that names no live process is removed once it is this old (pid reuse, old name formats). */
const STALE_AFTER_MS = 10 * 60_000;

export function writeTree(dir: string, files: Map<string, string>): void {
  const made = new Set<string>();
  for (const [rel, content] of files) {
    const full = join(dir, rel);
    let parent = dirname(full);
    if (!made.has(parent)) {
      mkdirSync(parent, { recursive: true });
      // Every folder from the file up to the bundle root, since mkdir's mode is masked too.
      while (parent.length > dir.length && !made.has(parent)) {
        chmodSync(parent, BUNDLE_DIR_MODE);
        made.add(parent);
        parent = dirname(parent);
      }
      made.add(dirname(full));
    }
    writeFileSync(full, content);
    chmodSync(full, BUNDLE_FILE_MODE);
  }
}

/** `.<stack>.tmp-<pid>-XXXXXX` (and its `.old` twin during the swap): the pid says whose it is. */
function tempPrefix(target: string): string {
  return `.${basename(target)}.tmp-`;
}

/** True for names obsgen uses for work in progress; they are never bundles. */
export function isTempName(name: string): boolean {
  return name.startsWith('.') && /\.tmp-/.test(name);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes temp folders that a killed build (kill -9, a lost machine) left beside `target`:
 * those whose process is gone, and any older than STALE_AFTER_MS whatever they name. A
 * build running now in another process keeps its folder. Returns the names removed.
 */
export function removeStaleTemps(target: string, now = Date.now()): string[] {
  const parent = dirname(target);
  if (!existsSync(parent)) return [];
  const prefix = tempPrefix(target);
  const removed: string[] = [];
  for (const name of readdirSync(parent)) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(/^(\d+)-/.exec(name.slice(prefix.length))?.[1]);
    const full = join(parent, name);
    let age: number;
    try {
      age = now - statSync(full).mtimeMs;
    } catch {
      continue; // removed by its owner meanwhile
    }
    const owned = Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid);
    if (owned && age < STALE_AFTER_MS) continue;
    if (!Number.isInteger(pid) && age < STALE_AFTER_MS) continue;
    if (pid === process.pid) continue;
    rmSync(full, { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

export interface WriteOptions {
  /**
   * Asked right before out/<stack>/ is replaced: a reason to stop (the user's launcher was
   * killed), or undefined to go on. A stop leaves the previous bundle as it was.
   */
  stopReason?: () => string | undefined;
}

/** Writes `files` to a temp dir, runs `check` on it, then swaps it into `target`. Returns check's result. */
export function writeAtomically<T>(
  target: string,
  files: Map<string, string>,
  check: (dir: string) => T & { ok: boolean },
  options: WriteOptions = {},
): (T & { ok: boolean }) | { ok: false; stopped: string } {
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  removeStaleTemps(target);
  const tmp = mkdtempSync(join(parent, `${tempPrefix(target)}${process.pid}-`));
  try {
    chmodSync(tmp, BUNDLE_DIR_MODE);
    writeTree(tmp, files);
    const result = check(tmp);
    if (!result.ok) return result;
    const stopped = options.stopReason?.();
    if (stopped) return { ok: false, stopped };
    const old = existsSync(target) ? `${tmp}.old` : undefined;
    if (old) renameSync(target, old);
    renameSync(tmp, target);
    if (old) rmSync(old, { recursive: true, force: true });
    return result;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
