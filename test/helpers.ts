import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { hasTool } from '../src/emit/verify.ts';

/** A fresh folder inside the run's temp root (test/global-setup.ts removes it at the end). */
export function tempDir(prefix = 'obsgen-test-'): string {
  return mkdtempSync(join(process.env.OBSGEN_TEST_TMP ?? tmpdir(), prefix));
}

/** sha256 of every file under dir, by relative path. */
export function treeHashes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out[relative(dir, full)] = createHash('sha256').update(readFileSync(full)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

/**
 * The tools among `names` this run cannot use (not on PATH, or hidden by OBSGEN_NO_TOOLS), in
 * the order given: what a build reports as missing, while obsgen's own checks run in their place.
 */
export function unavailable(...names: string[]): string[] {
  return names.filter((n) => !hasTool(n));
}

/**
 * A verify step's name: the real tool's (`promtool check rules ...`, `amtool check-config ...`)
 * when this run has the tool, else that of obsgen's check that runs in its place.
 */
export function checkName(name: string): string {
  if (name.startsWith('promtool check rules') && !hasTool('promtool')) return name.replace('promtool check rules', 'obsgen check rules');
  if (name.startsWith('amtool check-config') && !hasTool('amtool')) return name.replace('amtool check-config', 'obsgen check alertmanager config');
  return name;
}
