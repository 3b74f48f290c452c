/**
 * Every stack in stacks/: it builds, passes promtool/amtool/docker-compose, its generated
 * rule and route tests pass, and a summary of its bundle (counts of jobs, rules, alerts,
 * tests, dashboards) matches test/golden/stacks.summary.json, so a change that drops an
 * alert or a dashboard shows. Regenerate the summary with UPDATE_GOLDEN=1.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildStack } from '../../src/stack/build.ts';
import { stackFiles, stackNameOfFile } from '../../src/stack/load.ts';
import { runBundleTests } from '../../src/cli/runtests.ts';
import { checkName, tempDir, unavailable } from '../helpers.ts';

const root = join(import.meta.dirname, '../..');
const goldenFile = join(import.meta.dirname, 'stacks.summary.json');
const golden: Record<string, Record<string, number>> = existsSync(goldenFile) ? JSON.parse(readFileSync(goldenFile, 'utf8')) : {};
const update = process.env.UPDATE_GOLDEN === '1';
const seen: Record<string, Record<string, number>> = {};
const out = tempDir('obsgen-golden-');

const files = stackFiles(join(root, 'stacks'));

describe('seed stacks', () => {
  it('has stack files', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  for (const file of files) {
    const name = stackNameOfFile(file);
    describe(name, () => {
      it('builds and passes promtool, amtool and docker-compose', async () => {
        const stack = (await import(pathToFileURL(file).href)).default;
        const r = buildStack(stack, out);
        const errors = r.diagnostics.filter((d) => d.severity === 'error');
        expect(errors, JSON.stringify(errors, null, 1)).toEqual([]);
        expect(r.verify?.missing).toEqual(unavailable('promtool', 'amtool'));
        expect(r.verify?.ran.map((x) => x.tool)).toEqual(expect.arrayContaining([checkName('promtool check rules'), checkName('amtool check-config')]));
        const failed = r.verify?.ran.filter((x) => !x.ok).map((x) => `${x.tool}: ${x.output}`);
        expect(failed).toEqual([]);
        expect(r.ok).toBe(true);
        seen[name] = r.counts!;
      });

      it('passes its generated rule and route tests, at least two per alert', () => {
        const dir = join(out, name);
        expect(existsSync(join(dir, 'manifest.json'))).toBe(true);
        const s = runBundleTests(dir, name);
        expect(s.missing).toEqual([]);
        expect(s.ruleFailures).toEqual([]);
        expect(s.routeFailures).toEqual([]);
        expect(s.ruleCases).toBeGreaterThanOrEqual(2 * (seen[name]?.alerts ?? 0));
      });

      it('matches its golden summary', () => {
        const counts = seen[name];
        expect(counts).toBeDefined();
        if (update) return;
        expect(golden[name], `no golden summary for ${name}: run UPDATE_GOLDEN=1 npx vitest run test/golden`).toBeDefined();
        expect(counts).toEqual(golden[name]);
      });
    });
  }

  afterAll(() => {
    if (update) writeFileSync(goldenFile, `${JSON.stringify(Object.fromEntries(Object.keys(seen).sort().map((k) => [k, seen[k]])), null, 2)}\n`);
  });
});
