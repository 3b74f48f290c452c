/**
 * One temp folder per test run, beside nothing else: every tempDir() of the run is made
 * inside it, and it is removed when the run ends, so tests leave nothing behind in /tmp.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'obsgen-tests-'));
  process.env.OBSGEN_TEST_TMP = root;
  return () => rmSync(root, { recursive: true, force: true });
}
