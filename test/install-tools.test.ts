/**
 * scripts/install-tools.sh where it cannot install (no apt-get, e.g. macOS): it names the missing
 * tools, says that obsgen's in-process engine and checks stand in, and exits 0, so `npm test`
 * runs; packages asked for by name (e2e, preview) still fail it.
 */
import { spawnSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from './helpers.ts';

/** A PATH with the shell utilities the script uses and no apt-get, promtool or amtool. */
function pathWithoutApt(): string {
  const bin = tempDir('obsgen-noapt-');
  for (const tool of ['bash', 'sh', 'id', 'sort', 'sed', 'dpkg']) {
    const where = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
    if (where.startsWith('/')) symlinkSync(where, join(bin, tool));
  }
  return bin;
}

describe('install-tools.sh without apt', () => {
  const script = join(import.meta.dirname, '../scripts/install-tools.sh');

  it('names the missing tools, says the in-process engine stands in, and exits 0', () => {
    const bin = pathWithoutApt();
    const r = spawnSync(join(bin, 'bash'), [script], { encoding: 'utf8', env: { PATH: bin } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/not installed: .*prometheus .*prometheus-alertmanager/);
    expect(r.stderr).toMatch(/apt-get is not available/);
    expect(r.stderr).toMatch(/in-process PromQL engine runs the rule tests/);
  });

  it('fails when a package asked for by name cannot be installed', () => {
    const bin = pathWithoutApt();
    const r = spawnSync(join(bin, 'bash'), [script, 'postgresql'], { encoding: 'utf8', env: { PATH: bin } });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/missing packages: .*postgresql/);
  });
});
