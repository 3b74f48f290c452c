/**
 * The label flow in the build: templates that read a label the expression cannot carry, and
 * inhibit rules whose `equal` labels no pair of the stack's alerts can share, fail the build
 * (issue 12 items 7 and 9); the inhibition cases come from the label sets alerts really carry.
 */
import { describe, expect, it } from 'vitest';
import { defineStack, httpService, trySynth, type StackProps } from 'obsgen';
import { Diagnostics } from '../../src/core/diagnostics.ts';
import type { AlertRule } from '../../src/core/model.ts';
import { checkBundle } from '../../src/stack/check.ts';

const quiet = (series: string) => ({ name: 'quiet', series: [{ series, values: '10x10' }], at: '6m', firing: [] });

/** The example: a free-form alert on RabbitMQ queues, summed by queue. */
function queueAlert(extra: Record<string, unknown> = {}) {
  const series = 'rabbitmq_queue_messages{job="rabbitmq",queue="orders",vhost="/"}';
  return {
    name: 'QueueBacklog',
    expr: 'sum by (queue) (rabbitmq_queue_messages{job="rabbitmq"}) > 1000',
    for: '5m',
    severity: 'warning' as const,
    summary: 'Queue {{ $labels.queue }} has a backlog',
    description: 'Queue {{ $labels.queue }} on vhost {{ $labels.vhost }} holds {{ $value }} messages',
    tests: [{ name: 'fires', series: [{ series, values: '2000x10' }], at: '6m', firing: [{ labels: { queue: 'orders' }, value: 2000 }] }, quiet(series)],
    ...extra,
  };
}

function stack(props: Partial<StackProps>) {
  return defineStack({
    name: 'queues',
    scrapeJobs: [
      { name: 'rabbitmq', targets: ['rabbitmq:15692'] },
      { name: 'node', targets: ['node-exporter:9100'], exporter: 'node_exporter' },
    ],
    alerting: { receivers: { team: { webhook: { url: 'http://127.0.0.1:9/hook' } } }, routes: [{ match: { severity: 'warning' }, receiver: 'team' }] },
    ...props,
  } as StackProps);
}

const errors = (r: ReturnType<typeof trySynth>, code: string) => r.diagnostics.items.filter((d) => d.severity === 'error' && d.code === code);

describe('templates that read a label the expression cannot carry (item 7)', () => {
  it('fails the build for $labels.vhost after sum by (queue), with path, label, carried labels and hint', () => {
    const r = trySynth(stack({ alerts: [queueAlert()] }));
    expect(r.bundle).toBeUndefined();
    const [e, ...rest] = errors(r, 'template-label');
    expect(rest).toEqual([]);
    expect(e!.path).toBe('alerts[0].description');
    expect(e!.message).toContain('$labels.vhost');
    expect(e!.message).toContain('(it carries queue)');
    expect(e!.hint).toContain('by (queue, vhost)');
    expect(e!.hint).toContain('drop $labels.vhost from the annotation');
  });

  it('catches .Labels.x and label templates too', () => {
    const r = trySynth(stack({ alerts: [queueAlert({ description: 'vhost {{ .Labels.vhost }}', labels: { vhost: '{{ $labels.vhost }}' } })] }));
    expect(errors(r, 'template-label').map((d) => d.path).sort()).toEqual(['alerts[0].description', 'alerts[0].labels.vhost']);
  });

  it('treats a static rule label as absent from $labels, as Prometheus does', () => {
    const r = trySynth(stack({ alerts: [queueAlert({ description: 'team {{ $labels.team }}', labels: { team: 'payments' } })] }));
    const [e] = errors(r, 'template-label');
    expect(e!.message).toContain('static label of the rule');
    expect(e!.hint).toContain('"payments"');
  });

  it('builds once the aggregation keeps the label', () => {
    const r = trySynth(stack({ alerts: [queueAlert({ expr: 'sum by (queue, vhost) (rabbitmq_queue_messages{job="rabbitmq"}) > 1000', tests: [{ name: 'fires', series: [{ series: 'rabbitmq_queue_messages{job="rabbitmq",queue="orders",vhost="/"}', values: '2000x10' }], at: '6m', firing: [{ labels: { queue: 'orders', vhost: '/' }, value: 2000 }] }, quiet('rabbitmq_queue_messages{job="rabbitmq",queue="orders",vhost="/"}')] })] }));
    expect(r.diagnostics.errors).toEqual([]);
    expect(r.bundle).toBeDefined();
  });

  it('checks alerts obsgen generates, at their props path', () => {
    const r = trySynth(stack({ services: [httpService({ name: 'shop', targets: ['shop:8080'], alerts: { errorRatio: { above: 0.05 } } })] }));
    const bundle = r.bundle!;
    const generated = bundle.ruleGroups.flatMap((g) => g.rules).find((x): x is AlertRule => x.kind === 'alert' && x.source === 'services[0].alerts.errorRatio');
    expect(generated, 'the generated error-ratio alert').toBeDefined();
    generated!.annotations.description = 'on {{ $labels.nosuchlabel }}';
    const diag = new Diagnostics('queues');
    checkBundle(bundle, diag);
    const found = diag.items.filter((d) => d.code === 'template-label');
    expect(found.map((d) => d.path)).toEqual([generated!.source]);
    expect(found[0]!.message).toContain(`alert ${generated!.name}: annotation description reads $labels.nosuchlabel`);
  });
});

describe('inhibit rules that can never mute (item 9)', () => {
  const nodeDown = {
    name: 'NodeDown',
    expr: 'up{job="node"} == 0',
    for: '5m',
    severity: 'critical' as const,
    summary: 'node {{ $labels.instance }} down',
    description: 'd',
    tests: [{ name: 'fires', series: [{ series: 'up{job="node",instance="n1"}', values: '0x10' }], at: '6m', firing: [{ labels: { __name__: 'up', job: 'node', instance: 'n1' }, value: 0 }] }, quiet('up{job="node",instance="n1"}')],
  };
  const jobErrors = {
    name: 'NetworkErrorsByJob',
    expr: 'sum by (job) (rate(node_network_receive_errs_total{job="node"}[5m])) > 1',
    for: '5m',
    severity: 'warning' as const,
    summary: 'network errors in {{ $labels.job }}',
    description: 'd',
    tests: [
      { name: 'fires', series: [{ series: 'node_network_receive_errs_total{job="node",instance="n1",device="eth0"}', values: '0+600x10' }], at: '6m', firing: [{ labels: { job: 'node' }, value: 10 }] },
      { name: 'quiet', series: [{ series: 'node_network_receive_errs_total{job="node",instance="n1",device="eth0"}', values: '0x10' }], at: '6m', firing: [] },
    ],
  };
  const alerting = (equal: string[]) => ({
    receivers: { team: { webhook: { url: 'http://127.0.0.1:9/hook' } } },
    routes: [{ match: { severity: 'warning' }, receiver: 'team' }, { match: { severity: 'critical' }, receiver: 'team' }],
    inhibitRules: [{ source: { alertname: 'NodeDown' }, target: { alertname: 'NetworkErrorsByJob' }, equal }],
  });

  it('fails the build when the target cannot carry an equal label the source always carries', () => {
    const r = trySynth(stack({ alerts: [nodeDown, jobErrors], alerting: alerting(['instance']) as never }));
    expect(r.bundle).toBeUndefined();
    const [e] = errors(r, 'inhibit-dead');
    expect(e!.path).toBe('alerting.inhibitRules[0]');
    expect(e!.message).toContain('equal label instance');
    expect(e!.message).toContain('source alerts NodeDown always carry instance');
    expect(e!.message).toContain('target alerts NetworkErrorsByJob cannot carry instance');
    expect(e!.message).toContain('reads a missing label as ""');
    expect(e!.hint).toContain('drop the label from equal');
  });

  it('builds with an equal label both sides carry, and pins real label sets in routes.test.json', () => {
    const r = trySynth(stack({ alerts: [nodeDown, jobErrors], alerting: alerting(['job']) as never }));
    expect(r.diagnostics.errors).toEqual([]);
    const cases = r.bundle!.inhibitionTests.filter((c) => c.rule === r.bundle!.inhibitRules.length - 1);
    expect(cases.map((c) => c.inhibited)).toEqual([true, false]);
    // The source carries what `up` carries (job, instance); the target only job: no made-up labels.
    expect(Object.keys(cases[0]!.source).sort()).toEqual(['alertname', 'instance', 'job', 'service', 'severity']);
    expect(Object.keys(cases[0]!.target).sort()).toEqual(['alertname', 'job', 'service', 'severity']);
    expect(cases[1]!.target.job).not.toBe(cases[1]!.source.job);
  });
});
