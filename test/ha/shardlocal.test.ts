/**
 * prometheus.shardLocalRules: groups each shard evaluates over its own targets, the rest on
 * vmalert over the store. Every rule of such a group is checked to be shard-local; the compose
 * configs, vmalert's rule list and the Kubernetes selectors split the groups accordingly.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { bundleFiles } from '../../src/emit/files.ts';
import { typeCheck } from '../../src/promql/check.ts';
import { buildStack } from '../../src/stack/build.ts';
import { nonLocalReasons } from '../../src/stack/shardlocal.ts';
import { trySynth } from '../../src/stack/synth.ts';
import { defineStack, type StackProps } from '../../src/index.ts';
import { tempDir } from '../helpers.ts';
import { haProps } from './stacks.ts';

type Obj = Record<string, any>;
const sharded = (over: Record<string, unknown> = {}, extra: Partial<StackProps> = {}) =>
  defineStack(haProps({ name: 'ha-local', prometheus: { scrapeInterval: '15s', externalLabels: { env: 'test' }, shards: 2, longTermStore: { kind: 'victoriametrics' }, ...over }, ...extra }));
const errorsOf = (over: Record<string, unknown>, extra: Partial<StackProps> = {}) =>
  trySynth(sharded(over, extra)).diagnostics.errors.map((d) => ({ path: d.path, message: d.message, hint: d.hint }));
const reasons = (expr: string, recorded: string[] = []) => nonLocalReasons(typeCheck(expr).ast!, new Set(recorded));

describe('which expressions are shard-local', () => {
  it.each([
    'up{job="nodes"} == 0',
    'rate(http_requests_total[5m]) > 0.1',
    'sum by (instance) (rate(node_cpu_seconds_total{mode!="idle"}[5m]))',
    'sum without (cpu, mode) (rate(node_cpu_seconds_total[5m]))',
    'node_filesystem_avail_bytes / node_filesystem_size_bytes < 0.1',
    'a / on (instance, job) b',
    'a * on (instance) group_left (version) b',
    'max_over_time(up[5m]) == 0',
    'topk by (instance) (3, rate(x[5m]))',
  ])('%s is', (expr) => {
    expect(reasons(expr)).toEqual([]);
  });

  it.each([
    ['sum(up)', 'sum combines the series of several targets'],
    ['sum by (job) (up)', 'sum by (job) combines'],
    ['count without (instance) (up)', 'count without (instance) combines'],
    ['absent(up{job="nodes"})', 'absent() fires on every shard that has none of the series'],
    ['absent_over_time(up{job="nodes"}[5m])', 'absent_over_time() fires'],
    ['a / ignoring (instance) b', '/ ignoring (instance) matches series of different targets'],
    ['a * on (job) group_left b', '* on (job) matches series of different targets'],
    ['up > scalar(x)', 'scalar() reads the series of every target'],
    ['job:up:sum > 3', 'reads job:up:sum, which vmalert records over the store'],
  ])('%s is not', (expr, reason) => {
    const r = reasons(expr, ['job:up:sum']);
    expect(r.length).toBeGreaterThan(0);
    expect(r.join('; ')).toContain(reason);
  });
});

describe('prometheus.shardLocalRules', () => {
  it('runs a shard-local group on every shard and every other group on vmalert', () => {
    const files = bundleFiles(trySynth(sharded({ shardLocalRules: ['custom'] })).bundle!).files;
    for (const s of [0, 1]) expect((parse(files.get(`prometheus/prometheus-s${s}-0.yml`)!) as Obj).rule_files).toEqual(['rules/custom.rules.yml']);
    const ruleFiles = [...files.keys()].filter((f) => f.startsWith('prometheus/rules/')).map((f) => f.slice('prometheus/rules/'.length)).sort();
    expect(ruleFiles).toContain('custom.rules.yml');
    const vmalert = (parse(files.get('docker-compose.yml')!) as Obj).services.vmalert.command as string[];
    expect(vmalert.filter((f) => f.startsWith('-rule='))).toEqual(ruleFiles.filter((f) => f !== 'custom.rules.yml').map((f) => `-rule=/etc/prometheus/rules/${f}`));
  });

  it('without it, shards evaluate nothing and vmalert everything (unchanged)', () => {
    const files = bundleFiles(trySynth(sharded()).bundle!).files;
    expect((parse(files.get('prometheus/prometheus-s0-0.yml')!) as Obj).rule_files).toEqual([]);
    expect(((parse(files.get('docker-compose.yml')!) as Obj).services.vmalert.command as string[]).filter((f) => f.startsWith('-rule='))).toEqual(['-rule=/etc/prometheus/rules/*.rules.yml']);
  });

  it('refuses a group with a rule over several targets, naming the group, the rule and why', () => {
    expect(errorsOf({ shardLocalRules: ['custom', 'nodes-recording'] })).toEqual([
      {
        path: 'prometheus.shardLocalRules[1]',
        message: 'group "nodes-recording": recording rule job:up:sum: sum by (job) combines the series of several targets, which sit on different shards',
        hint: expect.stringContaining('keep instance in every aggregation'),
      },
    ]);
  });

  it('refuses a shard-local rule reading a series recorded over the store', () => {
    const alerts = [...(haProps().alerts as object[]), { name: 'FewNodes', expr: 'job:up:sum < 3', for: '5m', severity: 'warning', summary: 's', description: 'd', runbook: { meaning: 'm', impact: 'i', diagnosis: [], mitigation: ['x'] }, tests: [{ name: 'fires below 3', series: [{ series: 'job:up:sum{job="nodes"}', values: '2x10' }], at: '10m', firing: [{ labels: { job: 'nodes' }, value: 2 }] }, { name: 'quiet at 6', series: [{ series: 'job:up:sum{job="nodes"}', values: '6x10' }], at: '10m', firing: [] }] }];
    const e = errorsOf({ shardLocalRules: ['custom'] }, { alerts } as Partial<StackProps>);
    expect(e.map((x) => `${x.path} ${x.message}`)).toEqual([`prometheus.shardLocalRules[0] group "custom": alert FewNodes: reads job:up:sum, which vmalert records over the store: no shard has it`]);
  });

  it('refuses an unknown group, a repeated one, and the prop with one shard', () => {
    expect(errorsOf({ shardLocalRules: ['nope'] })).toEqual([{ path: 'prometheus.shardLocalRules[0]', message: 'no rule group is named "nope"', hint: expect.stringContaining('custom') }]);
    expect(errorsOf({ shardLocalRules: ['custom', 'custom'] }).map((x) => `${x.path}: ${x.message}`)).toEqual(['prometheus.shardLocalRules[1]: names "custom" twice']);
    expect(errorsOf({ shards: 1, shardLocalRules: ['custom'] }).map((x) => x.path)).toEqual(['prometheus.shardLocalRules']);
  });

  it('under prometheus-operator the shards select the shard-local PrometheusRules and the ThanosRuler the others', () => {
    const files = bundleFiles(trySynth(sharded({ shardLocalRules: ['custom'] }, { targets: ['compose', 'kubernetes'] } as Partial<StackProps>)).bundle!).files;
    const objs = [...files].filter(([p]) => p.startsWith('kubernetes/') && p.endsWith('.yaml') && !p.endsWith('kustomization.yaml')).map(([, c]) => parse(c) as Obj);
    const matches = (sel: Obj, o: Obj) => {
      const labels = o.metadata.labels as Record<string, string>;
      const byLabels = Object.entries((sel.matchLabels ?? {}) as Record<string, string>).every(([k, v]) => labels[k] === v);
      const byExpr = ((sel.matchExpressions ?? []) as Obj[]).every((e) => (e.operator === 'NotIn' ? !e.values.includes(labels[e.key]) : e.values.includes(labels[e.key])));
      return byLabels && byExpr;
    };
    const prom = objs.find((o) => o.kind === 'Prometheus')!.spec;
    const ruler = objs.find((o) => o.kind === 'ThanosRuler')!.spec;
    const rules = objs.filter((o) => o.kind === 'PrometheusRule');
    expect(rules.length).toBeGreaterThan(1);
    for (const r of rules) {
      const local = r.spec.groups[0].name === 'custom';
      expect(matches(prom.ruleSelector, r), `${r.metadata.name} on the shards`).toBe(local);
      expect(matches(ruler.ruleSelector, r), `${r.metadata.name} on the ruler`).toBe(!local);
    }
  });

  it('builds and verifies: promtool loads each shard config with its rule files, vmalert -dryRun the rest', () => {
    const out = tempDir('obsgen-shardlocal-');
    const r = buildStack(sharded({ shardLocalRules: ['custom'] }), out);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.verify!.ran.filter((x) => !x.ok)).toEqual([]);
    expect(r.verify!.ran.map((x) => x.tool)).toEqual(expect.arrayContaining(['vmalert -dryRun']));
    expect(join(out, 'ha-local')).toBeTruthy();
  }, 120_000);
});
