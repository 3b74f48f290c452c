/**
 * The lint corpus: every bad case is caught with exactly the ids its `# expect:` line
 * names, every good case (common idioms) stays clean, and the seed stacks lint clean.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintStackFiles } from '../../src/cli/lint.ts';
import { hasTool } from '../../src/emit/verify.ts';
import { formatJson, formatSarif, formatText, fromFiles, lint, lintInput } from '../../src/lint/index.ts';
import { stackFiles } from '../../src/stack/load.ts';

const dir = 'test/lint/corpus';
const config = `${dir}/prometheus.yml`;
const alertmanager = `${dir}/alertmanager.yml`;

function expected(file: string): string[] {
  const line = /^# expect: (.*)$/m.exec(readFileSync(file, 'utf8'))?.[1] ?? '';
  return line.split(',').map((s) => s.trim()).filter(Boolean).sort();
}

function ids(findings: { id: string }[]): string[] {
  return [...new Set(findings.map((f) => f.id))].sort();
}

const bad = readdirSync(`${dir}/bad`).filter((f) => f.endsWith('.yml')).sort();
const good = readdirSync(`${dir}/good`).filter((f) => f.endsWith('.yml')).sort();
const am = readdirSync(`${dir}/am`).filter((f) => f.endsWith('.yml')).sort();
const dashExpect = JSON.parse(readFileSync(`${dir}/dashboards/expect.json`, 'utf8')) as Record<string, string[]>;

describe('lint corpus', () => {
  it('holds at least 40 bad and 10 good cases', () => {
    expect(bad.length + am.length + Object.keys(dashExpect).length).toBeGreaterThanOrEqual(40);
    expect(good.length + 1).toBeGreaterThanOrEqual(10);
  });

  it.each(bad)('bad rules %s: caught with exactly the expected ids', (f) => {
    const file = join(dir, 'bad', f);
    const want = expected(file);
    expect(want.length).toBeGreaterThan(0);
    const found = lintInput(fromFiles({ rules: [file], config, alertmanager }));
    expect(ids(found)).toEqual(want);
    for (const x of found) {
      expect(x.file).toBe(file);
      expect(x.message.length).toBeGreaterThan(10);
      expect(x.hint, `${x.id} has a hint`).toBeTruthy();
      if (x.id.startsWith('promql/') || x.id.startsWith('alerts/') || x.id.startsWith('rules/') || x.id.startsWith('labels/')) {
        expect(x.group).toBeTruthy();
        expect(x.rule).toBeDefined();
        expect(x.line).toBeGreaterThan(0);
      }
    }
  });

  it.each(good)('good rules %s: no findings', (f) => {
    const found = lintInput(fromFiles({ rules: [join(dir, 'good', f)], config, alertmanager }));
    expect(found.map((x) => `${x.id}: ${x.message}`)).toEqual([]);
  });

  it.each(am)('alertmanager %s: caught with the expected id', (f) => {
    const file = join(dir, 'am', f);
    const tests = file.replace(/\.yml$/, '.routes.test.json');
    const found = lintInput(fromFiles({ rules: [`${dir}/base.rules.yml`], config, alertmanager: file, ...(existsSync(tests) ? { routeTests: tests } : {}) }));
    expect(ids(found)).toEqual(expected(file));
  });

  it.each(Object.entries(dashExpect))('dashboard %s: caught with the expected id', (name, want) => {
    const found = lintInput(fromFiles({ rules: [`${dir}/base.rules.yml`], config, dashboards: [join(dir, 'dashboards', `${name}.json`)] }));
    expect(ids(found.filter((x) => x.severity === 'error'))).toEqual(want);
    expect(found[0]!.file).toBe(join(dir, 'dashboards', `${name}.json`));
  });

  it('the good dashboard and the base rules, routes and scrape config are clean', () => {
    const found = lintInput(fromFiles({ rules: [`${dir}/base.rules.yml`], config, alertmanager, dashboards: [`${dir}/dashboards/good-node.json`] }));
    expect(found).toEqual([]);
  });
});

describe('lint positions and messages', () => {
  it('gives the syntax error position inside the expression and in the file', () => {
    const file = `${dir}/bad/syntax-bad-matcher.rules.yml`;
    const [f] = lintInput(fromFiles({ rules: [file], config }));
    expect(f!.id).toBe('promql/syntax');
    expect(f!.group).toBe('g');
    expect(f!.rule).toBe('SyntaxMatcher');
    expect(f!.exprPos).toEqual({ line: 1, column: 8, offset: 7 });
    const text = readFileSync(file, 'utf8').split('\n');
    expect(text[f!.line! - 1]!.slice(f!.column! - 1).startsWith('="node"')).toBe(true);
  });

  it('suggests the nearest metric name and job', () => {
    const typo = lintInput(fromFiles({ rules: [`${dir}/bad/unknown-metric-typo.rules.yml`], config }));
    expect(typo[0]!.hint).toBe('did you mean node_load5?');
    const job = lintInput(fromFiles({ rules: [`${dir}/bad/unknown-job.rules.yml`], config }));
    expect(job[0]!.hint).toContain('did you mean job="node"?');
  });

  it('names the labels the result can carry for $labels mistakes', () => {
    const [f] = lintInput(fromFiles({ rules: [`${dir}/bad/template-label-aggregated-away.rules.yml`], config }));
    expect(f!.message).toContain('$labels.instance');
    expect(f!.message).toContain('(it carries job)');
    expect(f!.severity).toBe('error');
    expect(f!.hint).toContain('by (job, instance)');
  });

  it('without --config the job-dependent checks are skipped, the rest run', () => {
    expect(ids(lintInput(fromFiles({ rules: [`${dir}/bad/unknown-job.rules.yml`] })))).toEqual([]);
    expect(ids(lintInput(fromFiles({ rules: [`${dir}/bad/rate-on-gauge.rules.yml`] })))).toEqual(['promql/rate-on-gauge']);
  });

  it('reports unreadable and unparsable files', () => {
    expect(ids(lintInput(fromFiles({ rules: [`${dir}/nope.yml`] })))).toEqual(['input/load']);
    expect(ids(lintInput(fromFiles({ rules: [`${dir}/dashboards/expect.json`] })))).toEqual(['input/load']);
  });
});

describe('reporters', () => {
  const found = lintInput(fromFiles({ rules: [`${dir}/bad/ratio-no-guard-recorded.rules.yml`, `${dir}/bad/syntax-bad-matcher.rules.yml`], config, alertmanager }));

  it('text groups by file', () => {
    const text = formatText(found);
    expect(text).toContain(`files: ${dir}/bad/ratio-no-guard-recorded.rules.yml\n`);
    expect(text).toContain('[promql/ratio-guard]');
    expect(text.trim().endsWith('1 error(s), 0 warning(s), 1 info')).toBe(true);
    expect(formatText(found, { color: true })).toContain('\x1b[31merror');
  });

  it('json carries the summary and findings', () => {
    const j = JSON.parse(formatJson(found)) as { summary: { errors: number; warnings: number }; findings: unknown[] };
    expect(j.summary).toMatchObject({ errors: 1, warnings: 0, infos: 1 });
    expect(j.findings).toHaveLength(2);
  });

  it('sarif is 2.1.0 with rules, levels and regions', () => {
    const s = JSON.parse(formatSarif(found)) as { version: string; runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; level: string; ruleIndex: number; locations: { physicalLocation: { region: { startLine: number } } }[] }[] }[] };
    expect(s.version).toBe('2.1.0');
    const run = s.runs[0]!;
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(['promql/ratio-guard', 'promql/syntax']);
    const syntax = run.results.find((r) => r.ruleId === 'promql/syntax')!;
    expect(syntax.level).toBe('error');
    expect(run.tool.driver.rules[syntax.ruleIndex]!.id).toBe('promql/syntax');
    expect(syntax.locations[0]!.physicalLocation.region.startLine).toBeGreaterThan(1);
  });
});

describe('stacks and the CLI', () => {
  it('every stack in stacks/ lints clean', async () => {
    const files = stackFiles('stacks');
    expect(files.length).toBeGreaterThan(0);
    const run = await lintStackFiles(files, { amtool: hasTool('amtool'), outRoot: 'out' });
    expect(run.findings.map((f) => `${f.stack} ${f.id}: ${f.message}`)).toEqual([]);
  });

  it('exits 1 on errors, 0 on warnings only, 1 on warnings with --strict', () => {
    const cli = (...args: string[]) => spawnSync(process.execPath, ['bin/obsgen.js', 'lint', '--no-amtool', ...args], { encoding: 'utf8' });
    const errors = cli('--rules', `${dir}/bad/syntax-bad-matcher.rules.yml`, '--config', config);
    expect(errors.status).toBe(1);
    expect(errors.stdout).toContain('[promql/syntax]');
    const warnings = cli('--rules', `${dir}/bad/delta-on-counter.rules.yml`, '--config', config);
    expect(warnings.status).toBe(0);
    expect(cli('--rules', `${dir}/bad/delta-on-counter.rules.yml`, '--config', config, '--strict').status).toBe(1);
    // info findings (a missing for:) never fail a run, not even with --strict.
    expect(cli('--rules', `${dir}/bad/alert-without-for.rules.yml`, '--config', config, '--strict').status).toBe(0);
    const sarif = cli('--rules', `${dir}/bad/*.rules.yml`, '--config', config, '--alertmanager', alertmanager, '--format', 'sarif');
    const log = JSON.parse(sarif.stdout) as { runs: { results: unknown[] }[] };
    expect(log.runs[0]!.results.length).toBeGreaterThanOrEqual(bad.length);
  });
});
