/**
 * The surface: `obsgen test-rules` as a drop-in for `promtool test rules`, and `obsgen build` /
 * `obsgen test` on a machine without promtool and amtool (OBSGEN_NO_TOOLS hides them).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.ts';

const root = join(import.meta.dirname, '../..');
const fixtures = join(import.meta.dirname, 'fixtures');
/** Runs obsgen without blocking the test worker (a long spawnSync starves vitest's RPC). */
function obsgen(args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const p = spawn(process.execPath, [join(root, 'bin/obsgen.js'), ...args], { cwd: root, env: { ...process.env, ...env }, timeout: 300_000 });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (status) => done({ status, stdout, stderr }));
  });
}

describe('obsgen test-rules', () => {
  it('passes a good file with exit 0 and promtool\'s report', async () => {
    const r = await obsgen(['test-rules', 'test/ruletest/fixtures/requests.test.yml']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('Unit Testing:  test/ruletest/fixtures/requests.test.yml\n  SUCCESS\n\n');
  });

  it('fails a bad file with exit 1, FAILED: and the failures on stderr; runs every file', async () => {
    const r = await obsgen(['test-rules', join(fixtures, 'failing.test.yml'), join(fixtures, 'requests.test.yml')]);
    expect(r.status).toBe(1);
    expect(r.stderr.startsWith('  FAILED:\n    name: wrong expectations,\n    alertname: HighRequests, time: 7m, \n')).toBe(true);
    expect(r.stdout).toContain('requests.test.yml\n  SUCCESS\n');
  });

  it('exit 1 with a message for a missing file or no file', async () => {
    const missing = await obsgen(['test-rules', 'nope.test.yml']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('open nope.test.yml: no such file or directory');
    expect((await obsgen(['test-rules'])).status).toBe(1);
  });
});

describe('without promtool and amtool (OBSGEN_NO_TOOLS=promtool,amtool)', () => {
  it('obsgen build checks the rules with the engine and obsgen test runs the rule and route tests in process', async () => {
    const out = tempDir('obsgen-notools-');
    const env = { OBSGEN_NO_TOOLS: 'promtool,amtool,docker-compose' };
    const b = await obsgen(['build', '--stack', 'financial-api', '--out', out], env);
    expect(b.status, b.stderr).toBe(0);
    expect(b.stdout).toContain('obsgen check rules ok');
    expect(b.stdout).toContain("note: promtool is not on PATH: obsgen's engine checked the rule files");
    const t = await obsgen(['test', '--out', out], env);
    expect(t.status, t.stderr).toBe(0);
    expect(t.stdout).toMatch(/financial-api: \d+ rule tests in 5 files passed \(obsgen's engine\); \d+ route tests and \d+ inhibition tests passed \(obsgen's route walk: amtool not on PATH\)/);
  }, 300_000);

  it('obsgen test --engine promtool says promtool is missing', async () => {
    const out = tempDir('obsgen-notools-');
    const env = { OBSGEN_NO_TOOLS: 'promtool,amtool,docker-compose' };
    expect((await obsgen(['build', '--stack', 'financial-api', '--out', out, '--no-verify'], env)).status).toBe(0);
    const t = await obsgen(['test', '--out', out, '--engine', 'promtool'], env);
    expect(t.status).toBe(1);
    expect(t.stderr).toContain('promtool is not on PATH');
  }, 300_000);
});
