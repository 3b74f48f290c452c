/**
 * Differential test: every expression of the table goes through obsgen's checker and through the
 * installed promtool (`promtool check rules`, one rule file per expression, one promtool call), and
 * both must give the same verdict. Where promtool 2.42 and Prometheus 3 differ, the case says so
 * (`v2`, with the reason) and promtool is held to 2.42's verdict instead.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRuleExpr } from '../../src/promql/check.ts';
import { CASES } from './cases.ts';

const promtool = (() => {
  try {
    return execFileSync('promtool', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).includes('2.42') ? 'promtool' : undefined;
  } catch {
    return undefined;
  }
})();

describe('PromQL checker against promtool check rules', () => {
  let dir = '';
  const verdict = new Map<string, { ok: boolean; output: string }>();

  beforeAll(() => {
    if (!promtool) throw new Error('promtool 2.42 is needed (Debian package prometheus); scripts/ installs it');
    dir = mkdtempSync(join(tmpdir(), 'obsgen-promtool-diff-'));
    const files = CASES.map((c, i) => {
      const file = join(dir, `case${String(i).padStart(3, '0')}.yml`);
      writeFileSync(file, `groups:\n  - name: g\n    rules:\n      - record: case:expr:${i}\n        expr: ${JSON.stringify(c.expr)}\n`);
      return file;
    });
    const r = spawnSync(promtool, ['check', 'rules', ...files], { encoding: 'utf8', timeout: 60_000 });
    // stdout: "Checking <file>" then "  SUCCESS: ..." for each file that loads; failures go to stderr as "<file>: <error>".
    const blocks = r.stdout.split(/^Checking /m).slice(1);
    for (const b of blocks) {
      const file = b.split('\n')[0]!.trim();
      const errs = r.stderr.split('\n').filter((l) => l.startsWith(`${file}:`)).join('\n');
      verdict.set(file, { ok: /SUCCESS/.test(b), output: errs });
    }
    CASES.forEach((_, i) => expect(verdict.has(files[i]!), `promtool reported on ${files[i]}`).toBe(true));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('covers about a hundred expressions, valid and invalid', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(100);
    expect(CASES.filter((c) => c.ok).length).toBeGreaterThan(30);
    expect(CASES.filter((c) => !c.ok).length).toBeGreaterThan(50);
  });

  it.each(CASES.map((c, i) => [i, c.expr, c] as const))('case %i: %s', (i, expr, c) => {
    const checked = checkRuleExpr(expr);
    expect(checked.errors.length === 0, `checker on ${expr}: ${checked.errors.map((e) => e.message).join('; ')}`).toBe(c.ok);
    const file = join(dir, `case${String(i).padStart(3, '0')}.yml`);
    const got = verdict.get(file)!;
    const want = c.v2 ? c.v2.ok : c.ok;
    expect(got.ok, `promtool 2.42 on ${expr}${c.v2 ? ` (differs from Prometheus 3: ${c.v2.why})` : ''}: ${got.output}`).toBe(want);
  });
});
