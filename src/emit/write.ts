/**
 * Atomic bundle writes: files go to a temp folder beside the target, verification runs
 * there, and only then does the temp folder replace out/<stack>/. A failed build leaves
 * the previous bundle exactly as it was.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';

export function writeTree(dir: string, files: Map<string, string>): void {
  const made = new Set<string>();
  for (const [rel, content] of files) {
    const full = join(dir, rel);
    const parent = dirname(full);
    if (!made.has(parent)) {
      mkdirSync(parent, { recursive: true });
      made.add(parent);
    }
    writeFileSync(full, content);
  }
}

/** Writes `files` to a temp dir, runs `check` on it, then swaps it into `target`. Returns check's result. */
export function writeAtomically<T>(target: string, files: Map<string, string>, check: (dir: string) => T & { ok: boolean }): T & { ok: boolean } {
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const tmp = mkdtempSync(join(parent, `.${basename(target)}.tmp-`));
  try {
    writeTree(tmp, files);
    const result = check(tmp);
    if (!result.ok) return result;
    const old = existsSync(target) ? `${tmp}.old` : undefined;
    if (old) renameSync(target, old);
    renameSync(tmp, target);
    if (old) rmSync(old, { recursive: true, force: true });
    return result;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
