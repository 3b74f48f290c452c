import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

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
