/**
 * Plain rule files as public rule sets write them (issue 13): patterns that must not be
 * errors, the true defects that still must be, and the plain-file features (several files
 * after --rules, disable comments, lint config, baseline). Fixtures in test/lint/plain/,
 * each accepted by promtool.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readLintConfig } from '../../src/lint/baseline.ts';
import { fromFiles, lintInput } from '../../src/lint/index.ts';
import { parseRuleFile, inferExporter } from '../../src/lint/input.ts';
import { indentQuotedContinuations } from '../../src/lint/yamlcompat.ts';

const dir = 'test/lint/plain';
const k8s = `${dir}/k8s.prometheus.yml`;
const corpusConfig = 'test/lint/corpus/prometheus.yml';
const run = (file: string, config?: string) => lintInput(fromFiles({ rules: [join(dir, file)], ...(config ? { config } : {}) }));
const brief = (list: ReturnType<typeof run>) => list.map((f) => `${f.severity} ${f.id} ${f.rule ?? ''}`);

const tmp = mkdtempSync(join(tmpdir(), 'obsgen-plain-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('fixtures load in promtool', () => {
  it.each(['k8s-real-metrics', 'offline-series', 'counter-guards', 'severity-custom', 'for-shapes', 'vmrange', 'window', 'multiline-quoted', 'disabled', 'shared-a', 'sd-exporters', 'template-label-source'])('%s', (f) => {
    const r = spawnSync('promtool', ['check', 'rules', `${dir}/${f}.rules.yml`], { encoding: 'utf8' });
    expect(r.status, r.stderr + r.stdout).toBe(0);
  });
});

describe('promql/series (13.1)', () => {
  it('real metrics of an exporter that the catalog does not list are not findings', () => {
    expect(brief(run('k8s-real-metrics.rules.yml', k8s))).toEqual([]);
  });

  it('offline, a misspelling of a catalog name is a warning; a near name of another exporter is not', () => {
    expect(brief(run('offline-series.rules.yml'))).toEqual(['warning promql/series CpuTypo']);
    expect(run('offline-series.rules.yml')[0]!.hint).toContain('node_cpu_seconds_total');
  });

  it('infers the exporter from port and path, the name only breaking a tie', () => {
    expect(inferExporter('node-exporter', ['h:9999'])).toBeUndefined();
    expect(inferExporter('anything', ['h:9100'])).toBe('node_exporter');
    expect(inferExporter('kube-state-metrics', ['ksm:8080'])).toBe('kube_state_metrics');
    expect(inferExporter('kminion', ['k:8080'])).toBe('kminion');
    expect(inferExporter('other', ['k:8080'])).toBeUndefined();
    expect(inferExporter('cadvisor', ['n:10250'], '/metrics/cadvisor')).toBe('kubelet_cadvisor');
  });

  it("infers a service-discovery job's exporter from the metrics its rules read, not for a job of several exporters", () => {
    const found = run('sd-exporters.rules.yml', `${dir}/sd.prometheus.yml`).filter((f) => f.id === 'promql/series');
    expect(brief(found)).toEqual(['warning promql/series ConnectionsHigh']);
    expect(found[0]!.message).toBe('mysql_global_status_threads_connected: a mysqld_exporter metric, but job node-exporter looks like node_exporter (by the metrics its rules read)');
  });
});

describe('alerts/template-label', () => {
  it('is an error where an operation drops the label, a warning where no series read carries it', () => {
    const found = run('template-label-source.rules.yml', `${dir}/sd.prometheus.yml`).filter((f) => f.id === 'alerts/template-label');
    expect(brief(found)).toEqual(['error alerts/template-label JobDown', 'warning alerts/template-label TargetDown']);
    expect(found[1]!.message).toContain('no series it reads carries cluster with this config and catalog');
  });
});

describe('promql/counter-threshold (13.2)', () => {
  it('errors only on a catalog counter; a _total name is a hint; a zero guard is fine', () => {
    expect(brief(run('counter-guards.rules.yml'))).toEqual([
      'info promql/counter-threshold ManyOfflineDrives',
      'warning promql/counter-threshold SyncFailed',
      'error promql/counter-threshold NicErrors',
    ]);
  });
});

describe('labels/severity (13.3)', () => {
  it('custom severities pass without an Alertmanager config; a missing one is a configurable warning', () => {
    expect(brief(run('severity-custom.rules.yml'))).toEqual(['warning labels/severity NoSeverity']);
    const input = fromFiles({ rules: [`${dir}/severity-custom.rules.yml`] });
    input.settings = { missingSeverity: 'off' };
    expect(brief(lintInput(input))).toEqual([]);
  });

  it('with an Alertmanager config an unrouted severity is still an error', () => {
    const found = lintInput(fromFiles({ rules: [`${dir}/severity-custom.rules.yml`], alertmanager: 'test/lint/corpus/alertmanager.yml' }));
    expect(found.filter((f) => f.id === 'labels/severity' && f.rule === 'PageTeam').map((f) => f.severity)).toEqual(['error']);
  });
});

describe('YAML that Prometheus loads (13.4)', () => {
  it('loads multi-line quoted strings continued at the key indent, with their values', () => {
    expect(brief(run('multiline-quoted.rules.yml'))).toEqual([]);
    const groups = parseRuleFile(readFixture('multiline-quoted.rules.yml'), 'x.yml', []);
    expect(groups[0]!.rules[0]!.annotations).toEqual({ description: 'the api has been down for five minutes; see the runbook and page the owner', summary: 'api down, still' });
  });

  it('leaves text that needs no change as it is', () => {
    const text = 'a: "one line"\nb: |\n  x\n';
    expect(indentQuotedContinuations(text)).toBe(text);
  });

  it('loads empty rule files and the first of several documents, as promtool does', () => {
    for (const text of ['', '{}\n', 'groups:\n', 'groups: []\n---\ngroups: [{name: x}]\n']) {
      const file = join(tmp, 'f.yml');
      writeFileSync(file, text);
      expect(spawnSync('promtool', ['check', 'rules', file]).status, text).toBe(0);
      expect(lintInput(fromFiles({ rules: [file] })), text).toEqual([]);
    }
  });
});

describe('promql/range-window (13.5)', () => {
  it('is skipped without --config', () => {
    expect(brief(run('window.rules.yml'))).toEqual([]);
    expect(brief(lintInput(fromFiles({ rules: ['test/lint/corpus/bad/range-window-short.rules.yml'] })))).toEqual([]);
  });
});

describe('alerts/for (13.6)', () => {
  it('explicit for: 0m, burn-rate pairs, Watchdog and InfoInhibitor are exempt; a missing for: is a hint', () => {
    expect(brief(run('for-shapes.rules.yml'))).toEqual(['info alerts/for NoFor']);
  });
});

describe('rules/duplicate (13.8)', () => {
  it('without --config every file is its own rule set; with one the files are one set', () => {
    const two = [`${dir}/shared-a.rules.yml`, `${dir}/shared-b.rules.yml`];
    expect(lintInput(fromFiles({ rules: two })).filter((f) => f.id === 'rules/duplicate')).toEqual([]);
    expect(lintInput(fromFiles({ rules: two, config: corpusConfig })).filter((f) => f.id === 'rules/duplicate')).toHaveLength(1);
  });
});

describe('promql/histogram-le (13.12)', () => {
  it('knows VictoriaMetrics vmrange buckets', () => {
    expect(brief(run('vmrange.rules.yml'))).toEqual([]);
  });
});

describe('disable comments, lint config, baseline', () => {
  it('file/disable turns a check off for the file; disable, for one rule and the named checks only', () => {
    expect(brief(run('disabled.rules.yml'))).toEqual(['error promql/counter-threshold NicDrops']);
  });

  it('a lint config sets severities per check and is validated', () => {
    const file = join(tmp, 'lint.yml');
    writeFileSync(file, 'severity:\n  alerts/for: warning\n  promql/counter-threshold: off\n');
    const input = fromFiles({ rules: [`${dir}/for-shapes.rules.yml`, `${dir}/counter-guards.rules.yml`] });
    input.settings = readLintConfig(file).settings!;
    expect(brief(lintInput(input))).toEqual(['warning alerts/for NoFor']);
    writeFileSync(file, 'severity:\n  alerts/for: loud\nextra: 1\n');
    expect(readLintConfig(file).problems).toEqual([`${file}: unknown key extra (known: severity, missingSeverity)`, `${file}: severity.alerts/for: "loud" is not error, warning, info or off`]);
  });
});

describe('the CLI (13.11 and the baseline)', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, ['bin/obsgen.js', 'lint', '--no-amtool', ...args], { encoding: 'utf8' });

  it('lints every file and directory after one --rules (a shell-expanded glob)', () => {
    const r = cli('--format', 'json', '--rules', `${dir}/counter-guards.rules.yml`, `${dir}/offline-series.rules.yml`, 'test/lint/corpus/bad');
    const j = JSON.parse(r.stdout) as { findings: { file: string }[] };
    const files = new Set(j.findings.map((f) => f.file));
    expect(files).toContain(`${dir}/counter-guards.rules.yml`);
    expect(files).toContain(`${dir}/offline-series.rules.yml`);
    expect(files).toContain('test/lint/corpus/bad/syntax-bad-matcher.rules.yml');
    expect(r.status).toBe(1);
  });

  it('a baseline reports only new findings', () => {
    const base = join(tmp, 'baseline.json');
    expect(cli('--rules', `${dir}/counter-guards.rules.yml`, '--write-baseline', base).status).toBe(1);
    const again = cli('--rules', `${dir}/counter-guards.rules.yml`, '--baseline', base);
    expect(again.status).toBe(0);
    expect(again.stdout.trim()).toBe('0 error(s), 0 warning(s)');
    const more = cli('--rules', `${dir}/counter-guards.rules.yml`, `${dir}/disabled.rules.yml`, '--baseline', base);
    expect(more.status).toBe(1);
    expect(more.stdout).toContain('NicDrops');
    expect(more.stdout).not.toContain('rule NicErrors');
  });

  it('refuses stray arguments without --rules', () => {
    const r = cli(`${dir}/vmrange.rules.yml`);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('--rules');
  });
});

function readFixture(f: string): string {
  return readFileSync(join(dir, f), 'utf8');
}
