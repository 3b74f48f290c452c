import { describe, expect, it } from 'vitest';
import { LabelFlow } from '../../src/promql/labels.ts';

const flow = new LabelFlow(
  [
    { name: 'node', exporter: 'node_exporter', targetLabels: [], openLabels: false },
    { name: 'app', targetLabels: ['team'], openLabels: false },
  ],
  [
    { name: 'job:node_load5:max', expr: 'max by (job) (node_load5{job="node"})', labels: { tier: 'infra' } },
    { name: 'instance:errors:rate5m', expr: 'sum by (instance) (rate(node_network_receive_errs_total{job="node"}[5m]))', labels: {} },
    { name: 'instance:errors:rate5m', expr: 'vector(0)', labels: { instance: 'none' } },
  ],
);

const of = (expr: string) => {
  const s = flow.exprLabels(expr)!;
  return { labels: [...s.labels].sort(), open: s.open, always: [...(s.always ?? [])].sort() };
};

describe('label flow: what a result can carry and what it surely carries', () => {
  it('a scraped selector surely carries job and instance, and may carry its catalog labels', () => {
    const s = of('node_filesystem_avail_bytes{job="node"} < 1e9');
    expect(s.open).toBe(false);
    expect(s.labels).toEqual(expect.arrayContaining(['device', 'instance', 'job', 'mountpoint']));
    expect(s.always).toEqual(['instance', 'job']);
  });

  it('aggregations keep only what they group by, surely only what was sure', () => {
    expect(of('sum by (job, device) (node_filesystem_avail_bytes{job="node"})')).toEqual({ labels: ['device', 'job'], open: false, always: ['job'] });
    expect(of('sum without (instance) (up{job="node"})').always).toEqual(['job']);
    expect(of('count_values("version", node_load5{job="node"})').always).toEqual(['version']);
  });

  it('or: surely only what both sides surely carry; group_left copies what the other side surely has', () => {
    expect(of('up{job="node"} or sum by (job) (up{job="node"})').always).toEqual(['job']);
    expect(of('up{job="node"} * on (job) group_left (tier) job:node_load5:max').always).toEqual(['instance', 'job', 'tier']);
  });

  it('absent() surely carries its equality labels; label_replace may add its target, not surely', () => {
    expect(of('absent(up{job="node",env="prod"})')).toEqual({ labels: ['env', 'job'], open: false, always: ['env', 'job'] });
    const r = of('label_replace(up{job="node"}, "host", "$1", "instance", "(.*):.*")');
    expect(r.labels).toContain('host');
    expect(r.always).not.toContain('host');
  });

  it('recorded series: the rules\' labels and static labels; surely only what every producer has', () => {
    expect(of('job:node_load5:max')).toEqual({ labels: ['job', 'tier'], open: false, always: ['job', 'tier'] });
    expect(of('instance:errors:rate5m').always).toEqual(['instance']);
  });

  it('a job matcher that selects no declared job leaves the labels open (the series come from elsewhere)', () => {
    expect(of('sum by (route) (http_requests_total{job="api"})').labels).toEqual(['route']);
    expect(of('http_requests_total{job="api"}').open).toBe(true);
  });
});
