/** The native runner's pure parts: image/target mapping, compose parsing, runtime rewrites. */
import { describe, expect, it } from 'vitest';
import { imageRepository, kindOfImage, kindOfTarget } from '../../src/stack/native/catalog.ts';
import { parseCompose } from '../../src/stack/native/compose.ts';
import { rewriteAlertmanagerConfig, rewritePrometheusConfig, rewriteRuleFile, unresolvedTargetMessage } from '../../src/stack/native/rewrite.ts';

describe('image and target mapping', () => {
  it('strips registry and tag', () => {
    expect(imageRepository('quay.io/prometheus/node-exporter:v1.9.1')).toBe('prometheus/node-exporter');
    expect(imageRepository('prom/prometheus:v3.14.0')).toBe('prom/prometheus');
    expect(imageRepository('redis:7')).toBe('redis');
    expect(imageRepository('localhost:5000/grafana/grafana@sha256:abc')).toBe('grafana/grafana');
  });
  it('maps known images to Debian kinds and leaves others out', () => {
    expect(kindOfImage('prom/prometheus:v3.14.0')).toBe('prometheus');
    expect(kindOfImage('prom/alertmanager:v0.34.0')).toBe('alertmanager');
    expect(kindOfImage('grafana/grafana:13.2.3')).toBe('grafana');
    expect(kindOfImage('quay.io/prometheuscommunity/postgres-exporter:v0.17.1')).toBe('postgres-exporter');
    expect(kindOfImage('oliver006/redis_exporter:v1.74.0')).toBe('redis-exporter');
    expect(kindOfImage('postgres:16')).toBe('postgres');
    expect(kindOfImage('prom/blackbox-exporter:v0.28.0')).toBe('blackbox-exporter');
    expect(kindOfImage('ghcr.io/acme/api:1.0')).toBeUndefined();
  });
  it('maps targets by host name, then by the exporter port', () => {
    expect(kindOfTarget('postgres-exporter', 9187)).toBe('postgres-exporter');
    expect(kindOfTarget('redis_exporter', 1234)).toBe('redis-exporter');
    expect(kindOfTarget('node-exporter', 9100)).toBe('node-exporter');
    expect(kindOfTarget('db1', 9100)).toBe('node-exporter');
    expect(kindOfTarget('api', 8000)).toBeUndefined();
  });
});

describe('compose parsing', () => {
  it('reads image, command, mounts, ports, secrets', () => {
    const c = parseCompose(`services:
  prometheus:
    image: prom/prometheus:v3.14.0
    command: ["--config.file=/etc/prometheus/prometheus.yml", "--web.enable-lifecycle"]
    volumes: ["./prometheus:/etc/prometheus:ro", "prometheus-data:/prometheus"]
    ports: ["127.0.0.1:9090:9090"]
  am:
    image: prom/alertmanager
    environment: ["A=1"]
    secrets: [slack]
secrets:
  slack:
    file: ./secrets/slack
`);
    expect(c.services[0]).toEqual({
      name: 'prometheus',
      image: 'prom/prometheus:v3.14.0',
      command: ['--config.file=/etc/prometheus/prometheus.yml', '--web.enable-lifecycle'],
      environment: {},
      mounts: [
        { source: './prometheus', target: '/etc/prometheus', bind: true, readOnly: true },
        { source: 'prometheus-data', target: '/prometheus', bind: false, readOnly: false },
      ],
      containerPorts: [9090],
      secrets: [],
    });
    expect(c.services[1]!.environment).toEqual({ A: '1' });
    expect(c.services[1]!.secrets).toEqual(['slack']);
    expect(c.secrets).toEqual({ slack: './secrets/slack' });
  });
});

describe('runtime rewrites', () => {
  const prom = {
    global: { scrape_interval: '15s', evaluation_interval: '15s', scrape_timeout: '10s' },
    alerting: { alertmanagers: [{ static_configs: [{ targets: ['alertmanager:9093'] }] }] },
    scrape_configs: [
      { job_name: 'api', scrape_interval: '5s', scrape_timeout: '5s', static_configs: [{ targets: ['api:8000', 'other:1'] }], basic_auth: { username: 'u', password_file: '/run/secrets/pw' } },
      { job_name: 'k8s', kubernetes_sd_configs: [{ role: 'pod' }] },
    ],
  };
  it('rewrites targets, timing and secret files; drops SD Debian lacks; reports what nothing serves', () => {
    const r = rewritePrometheusConfig(prom, {
      addresses: new Map([
        ['api:8000', '127.0.0.1:4000'],
        ['alertmanager:9093', '127.0.0.1:4001'],
      ]),
      timing: { scrapeInterval: '1s', evaluationInterval: '1s' },
      fileRef: (f) => f.replace('/run/secrets/', '/state/secrets/'),
    });
    expect(r.config.global).toEqual({ scrape_interval: '1s', evaluation_interval: '1s', scrape_timeout: '1s' });
    const jobs = r.config.scrape_configs as any[];
    expect(jobs.map((j) => j.job_name)).toEqual(['api']);
    expect(jobs[0].static_configs[0].targets).toEqual(['127.0.0.1:4000', 'other:1']);
    expect(jobs[0]).toMatchObject({ scrape_interval: '1s', scrape_timeout: '1s', basic_auth: { password_file: '/state/secrets/pw' } });
    expect((r.config.alerting as any).alertmanagers[0].static_configs[0].targets).toEqual(['127.0.0.1:4001']);
    expect(r.unresolved).toEqual([{ job: 'api', target: 'other:1' }]);
    expect(r.droppedJobs).toEqual([{ job: 'k8s', reason: "kubernetes_sd_configs is not compiled into Debian's prometheus" }]);
    // The source is not modified.
    expect(prom.scrape_configs[0]!.static_configs![0]!.targets).toEqual(['api:8000', 'other:1']);
  });
  it('points a probe job at the running blackbox exporter and leaves the probed URLs as they are', () => {
    const r = rewritePrometheusConfig(
      {
        scrape_configs: [
          {
            job_name: 'blackbox',
            metrics_path: '/probe',
            static_configs: [{ targets: ['https://shop.example.com/health'] }],
            relabel_configs: [
              { source_labels: ['__address__'], target_label: '__param_target' },
              { target_label: '__address__', replacement: 'blackbox-exporter:9115' },
            ],
          },
        ],
      },
      { addresses: new Map([['blackbox-exporter:9115', '127.0.0.1:4100']]), timing: {}, fileRef: (f) => f },
    );
    const job = (r.config.scrape_configs as any[])[0];
    expect(job.relabel_configs[1].replacement).toBe('127.0.0.1:4100');
    expect(job.static_configs[0].targets).toEqual(['https://shop.example.com/health']);
    expect(r.unresolved).toEqual([]);
  });
  it('points a probe URL at the process serving its host, and says a URL nothing serves is probed as written', () => {
    const probes = { scrape_configs: [{ job_name: 'blackbox', static_configs: [{ targets: ['http://api:8000/health', 'http://web/ping', 'https://shop.example.com/'] }] }] };
    const r = rewritePrometheusConfig(probes, {
      addresses: new Map([
        ['api:8000', '127.0.0.1:4000'],
        ['web:80', '127.0.0.1:4002'],
      ]),
      timing: {},
      fileRef: (f) => f,
    });
    expect((r.config.scrape_configs as any[])[0].static_configs[0].targets).toEqual(['http://127.0.0.1:4000/health', 'http://127.0.0.1:4002/ping', 'https://shop.example.com/']);
    expect(r.unresolved).toEqual([{ job: 'blackbox', target: 'https://shop.example.com/' }]);
    const message = unresolvedTargetMessage(r.unresolved[0]!);
    expect(message).toBe(
      'probe target https://shop.example.com/ of job blackbox: the blackbox exporter probes this URL as written (no process started here serves shop.example.com); the probe fails unless the URL is reachable from this machine',
    );
    expect(message).not.toContain('--with');
    expect(unresolvedTargetMessage({ job: 'api', target: 'other:1' })).toBe('not started: target other:1 of job api: no Debian binary for it; pass --with other=<command> (it stays down)');
  });
  it('caps for: and sets group intervals only where asked', () => {
    const doc = { groups: [{ name: 'g', interval: '1h', rules: [{ alert: 'A', expr: 'x', for: '2m' }, { alert: 'B', expr: 'y', for: '5s' }, { record: 'r', expr: 'z' }] }] };
    const r = rewriteRuleFile(doc, { evaluationInterval: '1s', maxFor: '15s' });
    expect(r.doc).toEqual({ groups: [{ name: 'g', interval: '1s', rules: [{ alert: 'A', expr: 'x', for: '15s' }, { alert: 'B', expr: 'y', for: '5s' }, { record: 'r', expr: 'z' }] }] });
    expect(r.cappedFor).toEqual([{ alert: 'A', from: '2m', to: '15s' }]);
    expect(r.rules).toBe(3);
    expect(rewriteRuleFile(doc, {}).doc).toEqual(doc);
  });
  it('points every receiver at one webhook, keeping names and routes', () => {
    const am = {
      global: { slack_api_url_file: '/run/secrets/slack', resolve_timeout: '5m' },
      route: { receiver: 'default', group_wait: '30s', group_interval: '5m', routes: [{ receiver: 'oncall', matchers: ['severity="critical"'], group_wait: '10s' }, { receiver: 'team' }] },
      receivers: [{ name: 'default' }, { name: 'oncall', pagerduty_configs: [{ routing_key_file: '/run/secrets/pd' }] }, { name: 'team', slack_configs: [{ channel: '#x' }] }],
    };
    const r = rewriteAlertmanagerConfig(am, { webhookUrl: 'http://127.0.0.1:9/h', timing: { groupWait: '1s', groupInterval: '1s' }, fileRef: (f) => f });
    expect(r.receivers).toEqual(['default', 'oncall', 'team']);
    expect(r.config.receivers).toEqual(['default', 'oncall', 'team'].map((name) => ({ name, webhook_configs: [{ url: 'http://127.0.0.1:9/h', send_resolved: true }] })));
    expect(r.config.global).toEqual({ resolve_timeout: '5m' });
    expect(r.config.route).toEqual({
      receiver: 'default',
      group_wait: '1s',
      group_interval: '1s',
      routes: [{ receiver: 'oncall', matchers: ['severity="critical"'], group_wait: '1s' }, { receiver: 'team' }],
    });
  });
});

describe('HA layouts in the runtime copy (docs/ha.md)', () => {
  it('points remote_write at a store the runner started, and reports one it did not', () => {
    const source = {
      global: { scrape_interval: '15s' },
      remote_write: [{ url: 'http://victoriametrics:8428/api/v1/write', name: 'victoriametrics' }, { url: 'https://mimir.example.com/api/v1/push', basic_auth: { username: 'u', password_file: '/run/secrets/mimir' } }],
      scrape_configs: [],
    };
    const r = rewritePrometheusConfig(source, { addresses: new Map([['victoriametrics:8428', '127.0.0.1:41000']]), timing: {}, fileRef: (f) => f.replace('/run/secrets/', '/state/secrets/') });
    expect(r.config.remote_write).toEqual([
      { url: 'http://127.0.0.1:41000/api/v1/write', name: 'victoriametrics' },
      { url: 'https://mimir.example.com/api/v1/push', basic_auth: { username: 'u', password_file: '/state/secrets/mimir' } },
    ]);
    expect(r.unresolved).toEqual([{ job: 'remote_write', target: 'https://mimir.example.com/api/v1/push' }]);
    expect(source.remote_write[0]!.url).toBe('http://victoriametrics:8428/api/v1/write');
  });

  it('knows the VictoriaMetrics images', () => {
    expect(kindOfImage('victoriametrics/victoria-metrics:v1.136.1')).toBe('victoriametrics');
    expect(kindOfImage('victoriametrics/vmalert:v1.136.1')).toBe('vmalert');
  });
});
