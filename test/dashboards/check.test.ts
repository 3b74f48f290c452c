import { describe, expect, it } from 'vitest';
import { synth, trySynth, type Bundle } from 'obsgen';
import { Diagnostics } from '../../src/core/diagnostics.ts';
import { checkDashboards, substituteVariables, variableRefs } from '../../src/dashboards/check.ts';
import { shopStack } from './fixtures.ts';

type Json = Record<string, any>;

/** A fresh bundle, a mutation of it, and the diagnostics the dashboard checks give. */
function check(mutate: (b: Bundle, dash: (uid: string) => Json) => void) {
  const bundle = synth(shopStack());
  mutate(bundle, (uid) => bundle.dashboards.find((d) => d.uid === uid)!.model as Json);
  const diag = new Diagnostics('shop');
  checkDashboards(bundle, diag);
  return { errors: diag.errors, warnings: diag.warnings, codes: diag.errors.map((d) => d.code) };
}

const svc = 'shop-svc-checkout';
const panel = (m: Json, title: string) => {
  const all: Json[] = [];
  const visit = (ps: Json[]) => ps.forEach((p) => (all.push(p), visit(p.panels ?? [])));
  visit(m.panels);
  return all.find((p) => p.title === title)!;
};

describe('dashboard checks', () => {
  it('pass on the generated and user dashboards of a stack', () => {
    const r = trySynth(shopStack());
    // The test stack keeps the default (localhost) links, which warn by design.
    expect(r.diagnostics.items.filter((d) => d.code !== 'links-localhost')).toEqual([]);
    expect(r.bundle!.dashboards.map((d) => d.uid)).toEqual(['shop-overview', 'shop-svc-checkout', 'shop-business']);
    const { errors, warnings } = check(() => {});
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('reject v2 models and export-for-sharing models', () => {
    expect(check((_, d) => Object.assign(d(svc), { elements: {}, layout: {} })).codes).toEqual(['not-classic']);
    expect(check((_, d) => (d(svc).__inputs = [{ name: 'DS_PROMETHEUS' }])).codes).toEqual(['datasource-input']);
  });

  it('require a valid, unique uid, a title, a schemaVersion and no numeric id', () => {
    expect(check((b) => (b.dashboards[1]!.uid = 'x'.repeat(41))).codes).toContain('dashboard-uid');
    expect(check((b) => (b.dashboards[1]!.uid = 'bad uid')).codes).toContain('dashboard-uid');
    const dup = check((b) => b.dashboards.push({ ...b.dashboards[1]!, source: 'dashboards[9]' }));
    expect(dup.codes).toEqual(['duplicate-dashboard']);
    expect(dup.errors[0]!.path).toBe('dashboards[9]');
    expect(check((_, d) => (d(svc).title = '')).codes).toContain('dashboard-title');
    expect(check((_, d) => delete d(svc).schemaVersion).codes).toEqual(['schema-version']);
    expect(check((_, d) => (d(svc).schemaVersion = 16)).codes).toEqual(['schema-version']);
    expect(check((_, d) => (d(svc).id = 7)).codes).toEqual(['dashboard-id']);
    expect(check((_, d) => (d(svc).uid = 'other')).codes).toEqual(['uid-mismatch']);
  });

  it('require unique titles per folder and valid folders', () => {
    expect(check((b) => (b.dashboards[2]!.model.title = b.dashboards[1]!.model.title)).codes).toEqual(['duplicate-title']);
    expect(check((b) => (b.dashboards[2]!.folder = 'General')).codes).toEqual(['folder']);
    expect(check((b) => (b.dashboards[2]!.folder = 'a/b')).codes).toEqual(['folder']);
  });

  it('require unique panel ids, rows and collapsed-row children included', () => {
    const r = check((_, d) => (panel(d('shop-business'), 'Workers up').id = 1));
    expect(r.codes).toEqual(['duplicate-panel-id']);
    expect(r.errors[0]!.message).toContain('panels[4].panels[0]');
    expect(check((_, d) => delete panel(d(svc), 'CPU').id).codes).toEqual(['panel-id']);
  });

  it('require refIds on every target, unique in a panel', () => {
    expect(check((_, d) => delete panel(d(svc), 'Latency').targets[1].refId).codes).toEqual(['missing-refid']);
    expect(check((_, d) => (panel(d(svc), 'Latency').targets[1].refId = 'A')).codes).toEqual(['duplicate-refid']);
  });

  it('resolve datasources to the provisioned uid or $datasource, never ${DS_...}', () => {
    expect(check((_, d) => (panel(d(svc), 'Latency').datasource = { type: 'prometheus', uid: '${DS_PROMETHEUS}' })).codes).toEqual(['datasource-input']);
    expect(check((_, d) => (panel(d(svc), 'Latency').targets[0].datasource = 'Prometheus')).codes).toEqual(['datasource-string']);
    expect(check((_, d) => (panel(d(svc), 'Latency').datasource = { type: 'prometheus', uid: 'thanos' })).codes).toEqual(['datasource-unknown']);
    expect(check((_, d) => (panel(d(svc), 'Latency').datasource = { type: 'loki', uid: 'prometheus' })).codes).toEqual(['datasource-type']);
    expect(check((_, d) => delete panel(d(svc), 'Latency').datasource).codes).toEqual(['datasource-missing']);
    expect(check((_, d) => (panel(d(svc), 'Latency').datasource = { type: 'prometheus', uid: 'prometheus' })).codes).toEqual([]);
    // Without the datasource variable, every $datasource reference is an error.
    const r = check((_, d) => (d(svc).templating.list = d(svc).templating.list.filter((v: Json) => v.type !== 'datasource')));
    expect(new Set(r.codes)).toEqual(new Set(['undefined-variable']));
    expect(check((_, d) => (d(svc).templating.list[0].current = { text: 'x', value: 'x' })).codes).toEqual(['datasource-unknown']);
  });

  it('require the variables queries use, and warn on unused ones', () => {
    const r = check((_, d) => (d(svc).templating.list = d(svc).templating.list.filter((v: Json) => v.name !== 'instance')));
    expect(new Set(r.codes)).toEqual(new Set(['undefined-variable']));
    expect(r.errors[0]!.hint).toContain("variables: ['instance']");
    const w = check((_, d) => d(svc).templating.list.push({ ...d(svc).templating.list[1], name: 'pod' }));
    expect(w.codes).toEqual([]);
    expect(w.warnings.map((x) => x.code)).toEqual(['unused-variable']);
  });

  it('require $__rate_interval in rate windows of range queries, not in instant stats', () => {
    const r = check((_, d) => (panel(d(svc), 'Request rate').targets[0].expr = 'sum(rate(http_requests_total{job="checkout"}[5m]))'));
    expect(r.codes).toEqual(['rate-interval']);
    expect(r.errors[0]!.message).toContain('rate() over [5m]');
    expect(check((_, d) => (panel(d(svc), 'Request rate').targets[0].expr = 'sum(rate(http_requests_total[$__interval]))')).errors[0]!.message).toContain('[$__interval]');
    expect(check((_, d) => (panel(d(svc), 'Request rate').targets[0].expr = 'sum(increase(http_requests_total[$__range]))')).errors[0]!.message).toContain('increase() over [$__range]');
    // The p95 stat is an instant query over a fixed 5m window: fine.
    expect(panel(synth(shopStack()).dashboards[1]!.model as Json, 'p95 latency (5m)').targets[0].expr).toContain('[5m]');
  });

  it('require units and thresholds with a base step, in order', () => {
    expect(check((_, d) => delete panel(d(svc), 'Latency').fieldConfig.defaults.unit).codes).toEqual(['missing-unit']);
    expect(check((_, d) => delete panel(d(svc), 'Latency').fieldConfig.defaults.thresholds).codes).toEqual(['missing-thresholds']);
    expect(check((_, d) => (panel(d(svc), 'Latency').fieldConfig.defaults.thresholds.steps[0].value = 0)).codes).toEqual(['missing-thresholds']);
    expect(check((_, d) => panel(d(svc), 'Latency').fieldConfig.defaults.thresholds.steps.push({ value: 0.5, color: 'red' })).codes).toEqual(['thresholds-order']);
    const w = check((_, d) => (panel(d(svc), 'Latency').fieldConfig.defaults.unit = 'secs'));
    expect(w.codes).toEqual([]);
    expect(w.warnings.map((x) => x.code)).toEqual(['unknown-unit']);
  });

  it('keep panels inside the 24-column grid without overlap', () => {
    expect(check((_, d) => (panel(d(svc), 'Latency').gridPos.x = 20)).codes).toEqual(['grid']);
    const o = check((_, d) => (panel(d(svc), 'Latency').gridPos.y = 16));
    expect(o.codes).toEqual(['grid-overlap']);
    expect(check((_, d) => (panel(d(svc), 'Latency').gridPos.w = 0)).codes).toEqual(['grid']);
    expect(check((_, d) => delete panel(d(svc), 'Latency').gridPos).codes).toEqual(['grid']);
  });

  it('reject expanded rows that nest panels (Grafana drops them)', () => {
    expect(check((_, d) => (panel(d('shop-business'), 'Workers').collapsed = false)).codes).toEqual(['row-panels']);
  });

  it('parse every panel and variable query as PromQL after substituting variables', () => {
    const r = check((_, d) => (panel(d(svc), 'Latency').targets[0].expr = 'sum(rate(x[$__rate_interval])'));
    expect(r.codes).toEqual(['promql/syntax']);
    expect(check((_, d) => (d(svc).templating.list[1].query = 'label_values(up{job=, instance)')).codes).toEqual(['promql/syntax']);
    expect(substituteVariables('rate(x{job=~"$job",i="${instance:regex}"}[$__rate_interval]) / $__range_s')).toBe('rate(x{job=~"x",i="x"}[7771s]) / 1');
    expect(substituteVariables('increase(x[$window])')).toBe('increase(x[7779s])');
    expect(variableRefs('a $job ${instance} [[pod]] $__rate_interval')).toEqual(['job', 'instance', 'pod', '__rate_interval']);
  });

  it('type-check panel queries as Prometheus does, after substituting variables', () => {
    const summed = check((_, d) => (panel(d(svc), 'Latency').targets[0].expr = 'sum(x[$__rate_interval])'));
    expect(summed.codes).toEqual(['promql/type']);
    expect(summed.errors[0]!.message).toContain('expected type instant vector in aggregation expression, got range vector');
    expect(check((_, d) => (panel(d(svc), 'Latency').targets[0].expr = 'rate(x)')).codes).toEqual(['promql/type']);
    // A range query must give an instant vector or a scalar.
    expect(check((_, d) => (panel(d(svc), 'Latency').targets[0].expr = 'x[5m]')).codes).toEqual(['promql/type']);
    // A variable standing where a number goes (topk($n, ...)) is substituted by a guess, so only syntax is judged there.
    expect(check((_, d) => (panel(d(svc), 'Latency').targets[0].expr = 'topk($n, sum by (job) (rate(x{job="$job"}[$__rate_interval])))')).codes).not.toContain('promql/type');
  });

  it('require every recording rule a panel reads to exist in the bundle', () => {
    const r = check((_, d) => (panel(d(svc), 'Requests/s').targets[0].expr = 'sum(job:http_requests:rate1h{job="checkout"})'));
    expect(r.codes).toEqual(['unknown-recording-rule']);
    expect(r.errors[0]!.hint).toContain('job:http_requests:rate5m');
    // A user dashboard reading a rule nobody records fails the build with the path of the dashboard.
    const s = trySynth(shopStack({ dashboards: [{ title: 'X', panels: [{ type: 'stat', title: 'x', query: 'sum(job:orders:rate5m)' }] }] }));
    expect(s.bundle).toBeUndefined();
    expect(s.diagnostics.errors.map((e) => [e.path, e.code])).toEqual([['dashboards[0]', 'unknown-recording-rule']]);
  });

  it('resolve links between dashboards and alert dashboard_urls to uid and panel', () => {
    expect(check((_, d) => d('shop-overview').links.push({ title: 'gone', type: 'link', url: '/d/nope' })).codes).toEqual(['broken-link']);
    expect(check((b) => (b.dashboards = b.dashboards.filter((d) => d.uid !== svc))).codes).toEqual(expect.arrayContaining(['broken-link', 'broken-dashboard-url']));
    const r = check((_, d) => (panel(d(svc), 'Error ratio').id = 99));
    expect(r.codes).toEqual(['broken-dashboard-url']);
    expect(r.errors[0]!.message).toMatch(/alert CheckoutHighErrorRate links to panel 10 of dashboard shop-svc-checkout/);
    expect(r.errors[0]!.path).toBe('services[0].alerts.errorRatio');
  });
});
