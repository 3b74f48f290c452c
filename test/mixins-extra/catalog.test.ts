/**
 * Every metric the mixins-extra alerts, dashboards and runbooks name is in the metrics
 * catalog, and rate()/increase() only ever read counters (and *_over_time / arithmetic
 * read gauges): a name the exporter does not emit fails here.
 */
import { describe, expect, it } from 'vitest';
import stack from './stack.ts';
import { synth } from '../../src/stack/synth.ts';
import { metricNames, parsePromQL, selectors } from '../../src/core/promql.ts';
import { exporters, lookupMetric } from '../../src/scrape/catalog/index.ts';
import { LOG_CAPTURER_EXPORTER, LOG_CAPTURER_METRICS } from '../../src/scrape/catalog/log-capturer.ts';
import { BLACKBOX_EXPORTER } from '../../src/scrape/catalog/blackbox.ts';
import { alertsOf, MIXIN_GROUPS } from './helpers.ts';

const bundle = synth(stack);
const groups = bundle.ruleGroups.filter((g) => MIXIN_GROUPS.includes(g.name));
const alerts = alertsOf(groups);
const mixinDashboards = bundle.dashboards.filter((d) => !d.uid.endsWith('-overview'));

function panelExprs(model: Record<string, unknown>): string[] {
  const out: string[] = [];
  const visit = (panels: Record<string, unknown>[]) => {
    for (const p of panels) {
      for (const t of (p.targets as { expr?: string }[] | undefined) ?? []) if (t.expr) out.push(t.expr.replace(/\$__rate_interval/g, '5m').replace(/"\$\w+"/g, '"x"'));
      visit((p.panels as Record<string, unknown>[]) ?? []);
    }
  };
  visit(model.panels as Record<string, unknown>[]);
  return out;
}

const RATE_FUNCTIONS = ['rate', 'irate', 'increase'];
const GAUGE_FUNCTIONS = ['avg_over_time', 'max_over_time', 'min_over_time', 'changes', 'delta', 'deriv', 'predict_linear'];

function checkExpr(where: string, expr: string): string[] {
  const problems: string[] = [];
  for (const name of metricNames(expr)) {
    if (!lookupMetric(name)) problems.push(`${where}: ${name} is not in the catalog`);
  }
  for (const s of selectors(parsePromQL(expr))) {
    if (!s.metric || !s.fn) continue;
    const m = lookupMetric(s.metric);
    if (!m) continue;
    if (RATE_FUNCTIONS.includes(s.fn) && m.type !== 'counter') problems.push(`${where}: ${s.fn}(${s.metric}) over a ${m.type}`);
    if (GAUGE_FUNCTIONS.includes(s.fn) && s.fn !== 'changes' && m.type === 'counter') problems.push(`${where}: ${s.fn}(${s.metric}) over a counter`);
  }
  return problems;
}

describe('metrics catalog coverage of the mixins-extra mixins', () => {
  it('registers the exporters exporters.json lacks', () => {
    expect(exporters().get(BLACKBOX_EXPORTER)?.defaultPort).toBe(9115);
    expect(exporters().get(LOG_CAPTURER_EXPORTER)?.defaultPort).toBe(8001);
    expect(lookupMetric('probe_ssl_earliest_cert_expiry')?.exporter).toBe(BLACKBOX_EXPORTER);
    expect(lookupMetric(`${LOG_CAPTURER_METRICS.sinkDuration}_bucket`)).toMatchObject({ type: 'counter', histogramOf: LOG_CAPTURER_METRICS.sinkDuration, exporter: LOG_CAPTURER_EXPORTER });
    for (const name of Object.values(LOG_CAPTURER_METRICS)) expect(lookupMetric(name, LOG_CAPTURER_EXPORTER)?.note, name).toMatch(/assumption/);
  });

  it('every alert expression names only catalog metrics, rating only counters', () => {
    expect(alerts.length).toBe(32);
    expect(alerts.flatMap((a) => checkExpr(`alert ${a.name}`, a.expr))).toEqual([]);
  });

  it('every dashboard query names only catalog metrics, rating only counters', () => {
    expect(mixinDashboards.length).toBe(8);
    expect(mixinDashboards.flatMap((d) => panelExprs(d.model).flatMap((e) => checkExpr(`dashboard ${d.uid}`, e)))).toEqual([]);
  });

  it('every runbook diagnosis query names only catalog metrics', () => {
    expect(alerts.flatMap((a) => a.runbook!.diagnosis.flatMap((q) => checkExpr(`runbook ${a.name}: ${q.title}`, q.query.replace('<backend>', 'x'))))).toEqual([]);
  });

  it('each scrape job names its catalog exporter', () => {
    const byJob = Object.fromEntries(bundle.scrapeJobs.map((j) => [j.name, j.exporter]));
    expect(byJob).toMatchObject({
      haproxy: 'haproxy_promex',
      nginx: 'nginx_prometheus_exporter',
      'ingress-nginx': 'ingress_nginx',
      'kube-state-metrics': 'kube_state_metrics',
      cadvisor: 'kubelet_cadvisor',
      'dcgm-exporter': 'dcgm_exporter',
      loki: 'loki',
      'log-capturer': LOG_CAPTURER_EXPORTER,
      blackbox: BLACKBOX_EXPORTER,
    });
    for (const key of Object.values(byJob)) if (key) expect(exporters().has(key), key).toBe(true);
  });

  it('the check itself catches a metric the exporter does not emit and a rate over a gauge', () => {
    expect(checkExpr('x', 'haproxy_backend_up{job="haproxy"} == 0')).toEqual(['x: haproxy_backend_up is not in the catalog']);
    expect(checkExpr('x', 'rate(haproxy_backend_current_queue[5m]) > 0')).toEqual(['x: rate(haproxy_backend_current_queue) over a gauge']);
    expect(checkExpr('x', 'rate(nginx_ingress_controller_requests[5m]) > 0')).toEqual([]);
  });
});
