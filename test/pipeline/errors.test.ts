import { beforeAll, describe, expect, it } from 'vitest';
import { buildStack, defineStack, httpService, postgres, slo, trySynth, type StackProps } from 'obsgen';
import { tempDir, treeHashes } from '../helpers.ts';

/** A valid stack; each case breaks one thing. */
function base(): StackProps {
  return {
    name: 'shop',
    services: [
      httpService({
        name: 'shop',
        targets: ['shop:8080'],
        alerts: { errorRatio: { above: 0.05 }, latency: { above: '1s' } },
      }),
    ],
    alerting: {
      receivers: { pager: { webhook: { url: 'http://127.0.0.1:9/hook' } } },
      routes: [{ match: { severity: 'critical' }, receiver: 'pager' }],
    },
  };
}

interface Case {
  name: string;
  props: () => unknown;
  path: string;
  code?: string;
  value?: unknown;
}

const cases: Case[] = [
  {
    name: 'bad duration',
    props: () => ({ ...base(), prometheus: { scrapeInterval: '15 seconds' } }),
    path: 'prometheus.scrapeInterval',
    value: '15 seconds',
  },
  {
    name: 'error ratio threshold out of range',
    props: () => ({ ...base(), services: [httpService({ name: 'shop', targets: ['shop:8080'], alerts: { errorRatio: { above: 5 } } })] }),
    path: 'services[0].alerts.errorRatio.above',
    value: 5,
  },
  {
    name: 'unknown receiver in a route',
    props: () => ({ ...base(), alerting: { receivers: { pager: { webhook: { url: 'http://127.0.0.1:9/h' } } }, routes: [{ match: { severity: 'warning' }, receiver: 'chat' }] } }),
    path: 'alerting.routes[0].receiver',
    code: 'unknown-receiver',
    value: 'chat',
  },
  {
    name: 'duplicate alert name with the same labels',
    props: () => {
      const alert = { name: 'DiskFull', expr: 'up == 0', for: '5m', severity: 'warning' as const, summary: 's', description: 'd', tests: [{ name: 'f', series: [{ series: 'up{job="x"}', values: '0x10' }], at: '6m', firing: [{ labels: { __name__: 'up', job: 'x' }, value: 0 }] }, { name: 'q', series: [{ series: 'up{job="x"}', values: '1x10' }], at: '6m', firing: [] }] };
      return { ...base(), alerts: [alert, alert] };
    },
    path: 'alerts[1]',
    code: 'duplicate-alert',
    value: 'DiskFull',
  },
  {
    name: 'invalid label name',
    props: () => ({ ...base(), prometheus: { externalLabels: { 'env-name': 'prod' } } }),
    path: 'prometheus.externalLabels["env-name"]',
    value: 'env-name',
  },
  {
    name: 'invalid metric name',
    props: () => ({ ...base(), services: [httpService({ name: 'shop', targets: ['shop:8080'], metrics: { requests: 'http-requests-total' } })] }),
    path: 'services[0].metrics.requests',
    value: 'http-requests-total',
  },
  {
    name: 'bad target address',
    props: () => ({ ...base(), services: [httpService({ name: 'shop', targets: ['http://shop:8080/metrics'] })] }),
    path: 'services[0].targets[0]',
    value: 'http://shop:8080/metrics',
  },
  {
    name: 'empty stack',
    props: () => ({ name: 'shop', prometheus: { selfMonitoring: true } }),
    path: '',
    code: 'empty-stack',
  },
  {
    name: 'bad stack name',
    props: () => ({ ...base(), name: 'Shop API' }),
    path: 'name',
    value: 'Shop API',
  },
  {
    name: 'PromQL syntax error in a free-form alert',
    props: () => ({ ...base(), alerts: [{ name: 'Broken', expr: 'rate(http_requests_total[5m]', for: '5m', severity: 'warning', summary: 's', description: 'd', tests: [{ name: 'f', series: [], at: '1m', firing: [{ labels: {}, value: 1 }] }, { name: 'q', series: [], at: '1m', firing: [] }] }] }),
    path: 'alerts[0]',
    code: 'promql/syntax',
  },
  {
    name: 'PromQL type error in a free-form alert: sum over a range vector (promtool refuses it; obsgen must too, verify or not)',
    props: () => ({ ...base(), alerts: [{ name: 'Summed', expr: 'sum(http_requests_total[5m]) > 0', for: '5m', severity: 'warning', summary: 's', description: 'd', tests: [{ name: 'f', series: [], at: '1m', firing: [{ labels: {}, value: 1 }] }, { name: 'q', series: [], at: '1m', firing: [] }] }] }),
    path: 'alerts[0]',
    code: 'promql/type',
    value: 'sum(>>http_requests_total[5m]<<) > 0',
  },
  {
    name: 'PromQL type error in a free-form alert: rate() of an instant vector',
    props: () => ({ ...base(), alerts: [{ name: 'Rated', expr: 'rate(http_requests_total) > 0', for: '5m', severity: 'warning', summary: 's', description: 'd', tests: [{ name: 'f', series: [], at: '1m', firing: [{ labels: {}, value: 1 }] }, { name: 'q', series: [], at: '1m', firing: [] }] }] }),
    path: 'alerts[0]',
    code: 'promql/type',
  },
  {
    name: 'a MetricsQL function in a free-form alert',
    props: () => ({ ...base(), alerts: [{ name: 'Shared', expr: 'histogram_share(0.5, rate(x_bucket[5m])) < 0.9', for: '5m', severity: 'warning', summary: 's', description: 'd', tests: [{ name: 'f', series: [], at: '1m', firing: [{ labels: {}, value: 1 }] }, { name: 'q', series: [], at: '1m', firing: [] }] }] }),
    path: 'alerts[0]',
    code: 'promql/syntax',
  },
  {
    name: 'an events SLI given as a query, not a selector',
    props: () => ({ ...base(), slos: [slo({ service: 'shop', name: 'tasks', objective: 99, sli: { events: { good: 'sum(rate(tasks_total{state="ok"}[5m]))', total: 'tasks_total' } } })] }),
    path: 'slos[0].sli.events.good',
    code: 'slo-selector',
  },
  {
    name: 'an SLI selector Prometheus refuses',
    props: () => ({ ...base(), slos: [slo({ service: 'shop', name: 'tasks', objective: 99, sli: { events: { bad: 'tasks_total{state=~"fail|"}', total: '{job=""}' } } })] }),
    path: 'slos[0].sli.events.total',
    code: 'promql/type',
  },
  {
    name: 'free-form alert without a quiet test',
    props: () => ({ ...base(), alerts: [{ name: 'NoQuiet', expr: 'up == 0', for: '5m', severity: 'warning', summary: 's', description: 'd', tests: [{ name: 'f', series: [], at: '1m', firing: [{ labels: {}, value: 0 }] }] }] }),
    path: 'alerts[0].tests',
  },
  {
    name: 'unknown key (typo)',
    props: () => ({ ...base(), alertting: {} }),
    path: 'alertting',
  },
  {
    name: 'duplicate scrape job',
    props: () => ({ ...base(), scrapeJobs: [{ name: 'shop', targets: ['other:9100'] }] }),
    path: 'scrapeJobs[0]',
    code: 'duplicate-job',
    value: 'shop',
  },
  {
    name: 'bad template in a description',
    props: () => ({ ...base(), alerts: [{ name: 'BadTemplate', expr: 'up == 0', for: '5m', severity: 'warning', summary: 's', description: '{{ $value | humanise }}', tests: [{ name: 'f', series: [], at: '1m', firing: [{ labels: {}, value: 0 }] }, { name: 'q', series: [], at: '1m', firing: [] }] }] }),
    path: 'alerts[0]',
    code: 'template',
  },
  {
    name: 'latency threshold above the buckets',
    props: () => ({ ...base(), services: [httpService({ name: 'shop', targets: ['shop:8080'], buckets: [0.1, 0.5, 1], alerts: { latency: { above: '2s' } } })] }),
    path: 'services[0].alerts.latency.above',
    code: 'latency-above-buckets',
  },
  {
    name: 'secret inline instead of a file path',
    props: () => ({ ...base(), alerting: { receivers: { pager: { pagerduty: { routingKey: 'abc123' } } } } }),
    path: 'alerting.receivers.pager.pagerduty.routingKey',
  },
];

describe('bad input: every error, with stack, path, value and hint; nothing written', () => {
  let out: string;
  let before: Record<string, string>;
  beforeAll(() => {
    out = tempDir();
    const ok = buildStack(defineStack(base()), out, { verify: false });
    expect(ok.ok).toBe(true);
    before = treeHashes(out);
  });

  for (const c of cases) {
    it(c.name, () => {
      const stack = defineStack(c.props() as StackProps);
      const result = trySynth(stack);
      expect(result.bundle).toBeUndefined();
      const errors = result.diagnostics.errors;
      const hit = errors.find((e) => e.path === c.path && (!c.code || e.code === c.code));
      expect(hit, `want ${c.path} in ${JSON.stringify(errors, null, 1)}`).toBeTruthy();
      expect(hit!.stack).toMatch(/shop|Shop API/);
      expect(hit!.hint, 'hint').toBeTruthy();
      if ('value' in c) expect(hit!.value).toEqual(c.value);
      const outcome = buildStack(stack, out, { verify: false });
      expect(outcome.ok).toBe(false);
      expect(treeHashes(out)).toEqual(before);
    });
  }

  it('reports every error of a build at once', () => {
    const props = {
      ...base(),
      prometheus: { scrapeInterval: 'soon' },
      services: [httpService({ name: 'shop', targets: ['nope'], alerts: { errorRatio: { above: 2 } } })],
      alerting: { receivers: {}, routes: [{ receiver: 'ghost' }] },
    };
    const errors = trySynth(defineStack(props as StackProps)).diagnostics.errors.map((e) => e.path);
    expect(errors).toEqual(expect.arrayContaining(['prometheus.scrapeInterval', 'services[0].targets[0]', 'services[0].alerts.errorRatio.above', 'alerting.routes[0].receiver']));
  });

  it('refuses a relabel regex RE2 does not accept (a lookbehind JavaScript would take) at its field', () => {
    const stack = defineStack({ ...base(), name: 'lookbehind', scrapeJobs: [{ name: 'x', targets: ['x:1'], relabel: [{ sourceLabels: ['__address__'], regex: '(?<=a)b', action: 'drop' }] }] });
    const err = trySynth(stack).diagnostics.errors.find((e) => e.path === 'scrapeJobs[0].relabel[0].regex');
    expect(err?.message).toMatch(/lookaround/);
  });

  it('an SLO that fails validation gives its own error only, not broken links from the service dashboard', () => {
    const props = {
      ...base(),
      services: [
        httpService({
          name: 'shop',
          targets: ['shop:8080'],
          slos: [
            { name: 'availability', objective: 99.9, sli: { errorRatio: {} } },
            { name: 'latency', objective: 99, sli: { latency: { below: '300ms' } } },
          ],
        }),
      ],
    };
    const errors = trySynth(defineStack(props as StackProps)).diagnostics.errors;
    expect(errors.map((e) => `${e.code} ${e.path}`)).toEqual(['slo-latency-bucket services[0].slos[1].sli.latency.below']);
  });

  it('postgres mixin rejects a bad connections threshold with its path', () => {
    const errors = trySynth(defineStack({ ...base(), mixins: [postgres({ targets: ['pg:9187'], connections: { above: 80 } })] })).diagnostics.errors;
    expect(errors.map((e) => e.path)).toContain('mixins[0].connections.above');
  });
});
