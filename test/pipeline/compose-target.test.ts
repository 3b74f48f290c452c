/**
 * What the compose bundle holds (issue 12, items 11, 12 and 15): only scrape jobs a Prometheus
 * outside any cluster can scrape, absolute links everywhere an alert points, and every
 * exporter a mixin points at by a service name of its own. Bundles go through the real
 * promtool / amtool / `docker-compose config -q` of buildStack's verification.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { buildStack, defineStack, httpService, kubernetes, kubernetesPodsJob, probes, targets, trySynth, type StackProps } from 'obsgen';
import { tempDir } from '../helpers.ts';

const alerting = {
  receivers: { pager: { webhook: { url: 'http://127.0.0.1:9/hook' } } },
  routes: [{ match: { severity: 'critical' }, receiver: 'pager' }],
};
const links = {
  grafanaUrl: 'https://grafana.example.com/',
  runbookBaseUrl: 'https://wiki.example.com/ops/runbooks',
  prometheusUrl: 'https://prometheus.example.com',
  alertmanagerUrl: 'https://ops.example.com/alertmanager/',
};
const cluster = { apiServer: 'https://k8s.example.com:6443', bearerTokenFile: '/run/secrets/k8s_token', tls: { caFile: '/run/secrets/k8s_ca' } };

function build(props: StackProps) {
  const out = tempDir('obsgen-compose-target-');
  const r = buildStack(defineStack(props), out);
  const dir = join(out, props.name);
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  return { r, dir, read, errors: r.diagnostics.filter((d) => d.severity === 'error'), warnings: r.diagnostics.filter((d) => d.severity === 'warning') };
}

function verified(r: ReturnType<typeof build>['r']) {
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(r.verify?.ran.filter((x) => !x.ok)).toEqual([]);
  expect(r.verify?.ran.map((x) => x.tool)).toContain('docker-compose config');
  expect(r.ok).toBe(true);
}

const pods = (extra: object = {}) =>
  httpService({ name: 'api', scrape: { kubernetesSd: { role: 'pod', namespaces: ['prod'], ...extra } }, alerts: { errorRatio: { above: 0.05 } } });

describe('item 11: compose holds only jobs it can scrape', () => {
  it('leaves in-cluster discovery jobs out of prometheus.yml, one warning per job naming the alerts that read it', () => {
    const b = build({ name: 'incluster', links, services: [pods()], scrapeJobs: [kubernetesPodsJob()], mixins: [targets({ jobs: ['api'] })], alerting });
    verified(b.r);
    const jobs = (parse(b.read('prometheus/prometheus.yml')).scrape_configs as { job_name: string }[]).map((j) => j.job_name);
    expect(jobs).toEqual(['prometheus', 'alertmanager']);
    const w = b.warnings.filter((d) => d.code === 'compose-in-cluster-job');
    expect(w.map((d) => [d.path, d.message.match(/job "([^"]+)"/)![1]])).toEqual([
      ['services[0]', 'api'],
      ['scrapeJobs[0]', 'kubernetes-pods'],
    ]);
    expect(w[0]!.message).toContain('ApiHighErrorRate');
    expect(w[0]!.message).toContain('JobAbsent');
    expect(w[0]!.hint).toContain('apiServer');
  });

  it('emits api_server and the credential files, and mounts them into the compose Prometheus as secrets', () => {
    const b = build({ name: 'withapi', links, services: [pods(cluster)], scrapeJobs: [kubernetesPodsJob({ cluster })], alerting });
    verified(b.r);
    expect(b.warnings.filter((d) => d.code === 'compose-in-cluster-job')).toEqual([]);
    const cfg = parse(b.read('prometheus/prometheus.yml'));
    const api = cfg.scrape_configs.find((j: { job_name: string }) => j.job_name === 'api');
    expect(api.kubernetes_sd_configs).toEqual([
      {
        role: 'pod',
        api_server: 'https://k8s.example.com:6443',
        authorization: { type: 'Bearer', credentials_file: '/run/secrets/k8s_token' },
        tls_config: { ca_file: '/run/secrets/k8s_ca' },
        namespaces: { names: ['prod'] },
      },
    ]);
    const compose = parse(b.read('docker-compose.yml'));
    expect(compose.services.prometheus.secrets).toEqual(['k8s_ca', 'k8s_token']);
    expect(compose.secrets.k8s_token).toEqual({ file: './secrets/k8s_token' });
  });

  it('kubeconfigFile instead of the three; the kubernetes mixin reaches cAdvisor and kube-state-metrics through the API server proxy', () => {
    const b = build({
      name: 'kube',
      links,
      services: [pods({ kubeconfigFile: '/run/secrets/kubeconfig' })],
      mixins: [kubernetes({ cluster, kubeStateMetrics: { service: 'kube-system/kube-state-metrics:http-metrics' } })],
      alerting,
    });
    verified(b.r);
    const jobs = Object.fromEntries(parse(b.read('prometheus/prometheus.yml')).scrape_configs.map((j: { job_name: string }) => [j.job_name, j]));
    expect(jobs.api.kubernetes_sd_configs[0]).toEqual({ role: 'pod', kubeconfig_file: '/run/secrets/kubeconfig', namespaces: { names: ['prod'] } });
    expect(jobs['kube-state-metrics']).toMatchObject({
      scheme: 'https',
      metrics_path: '/api/v1/namespaces/kube-system/services/kube-state-metrics:http-metrics/proxy/metrics',
      static_configs: [{ targets: ['k8s.example.com:6443'] }],
      authorization: { credentials_file: '/run/secrets/k8s_token' },
    });
    expect(jobs.cadvisor.relabel_configs).toContainEqual({ source_labels: ['__meta_kubernetes_node_name'], regex: '(.+)', target_label: '__metrics_path__', replacement: '/api/v1/nodes/$1/proxy/metrics/cadvisor' });
  });

  it('refuses credentials without an API server, an API server without credentials, and kubeconfig with either', () => {
    // (The invalid service also leaves the stack empty: that error is not at the service.)
    const paths = (extra: object) => trySynth(defineStack({ name: 'bad', services: [pods(extra)], alerting })).diagnostics.errors.map((d) => d.path).filter((p) => p.startsWith('services'));
    expect(paths({ bearerTokenFile: '/run/secrets/t' })).toEqual(['services[0].scrape.kubernetesSd.apiServer']);
    expect(paths({ apiServer: 'https://k8s.example.com' })).toEqual(['services[0].scrape.kubernetesSd.bearerTokenFile']);
    expect(paths({ ...cluster, kubeconfigFile: '/run/secrets/kc' })).toEqual(['services[0].scrape.kubernetesSd.kubeconfigFile']);
    expect(paths({ apiServer: 'https://user:pw@k8s.example.com', bearerTokenFile: '/run/secrets/t' })).toEqual(['services[0].scrape.kubernetesSd.apiServer']);
  });
});

describe('item 12: absolute links', () => {
  it('every runbook_url and dashboard_url is absolute under links; Prometheus and Alertmanager get --web.external-url', () => {
    const b = build({
      name: 'links',
      links,
      services: [httpService({ name: 'api', targets: ['api:8080'], alerts: { errorRatio: { above: 0.05 } }, slos: [{ name: 'availability', objective: 99.9, sli: { errorRatio: {} } }] })],
      alerts: [
        {
          name: 'HandWritten', group: 'custom', expr: 'vector(1)', for: '5m', severity: 'warning', summary: 's', description: 'd', runbookUrl: 'db-failover.md', dashboardUrl: '/d/links-overview',
          tests: [
            { name: 'fires', series: [], at: '10m', firing: [{ labels: {}, value: 1 }] },
            { name: 'pending', series: [], at: '1m', firing: [] },
          ],
        },
      ],
      alerting,
    });
    verified(b.r);
    expect(b.warnings.filter((d) => d.code === 'links-localhost')).toEqual([]);
    for (const file of ['prometheus/rules/api.rules.yml', 'prometheus/rules/custom.rules.yml']) {
      for (const g of parse(b.read(file)).groups) {
        for (const r of g.rules.filter((x: { alert?: string }) => x.alert)) {
          expect(r.annotations.runbook_url, r.alert).toMatch(/^https:\/\/wiki\.example\.com\/ops\/runbooks\/[A-Za-z-]+\.md$/);
          if (r.annotations.dashboard_url && !r.annotations.dashboard_url.includes('{{')) expect(r.annotations.dashboard_url, r.alert).toMatch(/^https:\/\/grafana\.example\.com\/d\//);
        }
      }
    }
    expect(b.read('prometheus/rules/custom.rules.yml')).toContain('dashboard_url: https://grafana.example.com/d/links-overview');
    const compose = parse(b.read('docker-compose.yml'));
    expect(compose.services.prometheus.command).toContain('--web.external-url=https://prometheus.example.com');
    expect(compose.services.prometheus.command).not.toContain('--web.route-prefix=/');
    expect(compose.services.alertmanager.command).toEqual(expect.arrayContaining(['--web.external-url=https://ops.example.com/alertmanager', '--web.route-prefix=/']));
    expect(compose.services.grafana.environment.GF_SERVER_ROOT_URL).toBe('https://grafana.example.com');
    // The SLO info series carries the absolute dashboard link the burn-rate alerts read.
    expect(b.read('prometheus/rules/slo-budget.rules.yml')).toMatch(/dashboard_url: https:\/\/grafana\.example\.com\/d\//);
  });

  it('warns once per link left on localhost (the defaults), naming the prop to set', () => {
    const r = trySynth(defineStack({ name: 'dflt', services: [httpService({ name: 'api', targets: ['api:8080'] })], compose: { ports: { grafana: 3300 } } }));
    const w = r.diagnostics.warnings.filter((d) => d.code === 'links-localhost');
    expect(w.map((d) => d.path)).toEqual(['links.grafanaUrl', 'links.runbookBaseUrl', 'links.prometheusUrl', 'links.alertmanagerUrl']);
    expect(w[0]!.message).toContain('http://localhost:3300');
    expect(w[1]!.hint).toContain("set links.runbookBaseUrl to");
    expect(r.bundle!.links.runbookBaseUrl).toMatch(/^http:\/\//);
  });

  it('refuses relative, non-http, credential-bearing and query-bearing base URLs, each at its field', () => {
    const r = trySynth(
      defineStack({
        name: 'badlinks',
        services: [httpService({ name: 'api', targets: ['api:8080'] })],
        links: { grafanaUrl: 'grafana.example.com', runbookBaseUrl: 'runbooks', prometheusUrl: 'https://admin:s3cret@prom.example.com', alertmanagerUrl: 'ftp://am.example.com/?x=1' },
      }),
    );
    const errors = r.diagnostics.errors;
    expect(errors.map((d) => d.path).sort()).toEqual(['links.alertmanagerUrl', 'links.alertmanagerUrl', 'links.grafanaUrl', 'links.prometheusUrl', 'links.runbookBaseUrl']);
    expect(JSON.stringify(errors)).not.toContain('s3cret');
  });
});

describe('item 15: exporters a mixin needs are in the compose file, or the build says what to add', () => {
  it('probes() adds blackbox_exporter with a config holding the modules the probes use, port on 127.0.0.1', () => {
    const b = build({
      name: 'probed',
      links,
      mixins: [probes({ targets: ['https://shop.example.com/health'] }), probes({ job: 'tcp', component: 'tcp-probes', module: 'tcp_connect', targets: ['db.example.com:5432'] })],
      alerting,
    });
    verified(b.r);
    expect(b.r.verify?.ran.map((x) => x.tool)).toContain('blackbox_exporter --config.check blackbox-exporter/blackbox.yml');
    const compose = parse(b.read('docker-compose.yml'));
    expect(compose.services['blackbox-exporter']).toEqual({
      image: expect.stringMatching(/^prom\/blackbox-exporter:v\d+\.\d+\.\d+$/),
      command: ['--config.file=/etc/blackbox_exporter/config.yml', '--web.listen-address=:9115'],
      volumes: ['./blackbox-exporter/blackbox.yml:/etc/blackbox_exporter/config.yml:ro'],
      ports: ['127.0.0.1:9115:9115'],
      restart: 'unless-stopped',
    });
    expect(Object.keys(parse(b.read('blackbox-exporter/blackbox.yml')).modules)).toEqual(['http_2xx', 'tcp_connect']);
  });

  it('adds nothing when the exporter is an address outside compose', () => {
    const r = trySynth(defineStack({ name: 'ext', mixins: [probes({ exporter: 'blackbox.example.com:9115', targets: ['https://shop.example.com'] })] }));
    expect(r.bundle!.composeServices).toEqual([]);
  });

  it('fails with what to add: a module obsgen cannot write, kube-state-metrics on the name only the cluster answers', () => {
    const r = trySynth(defineStack({ name: 'missing', mixins: [probes({ module: 'icmp_custom', targets: ['10.0.0.1'] }), kubernetes({})] }));
    const errors = r.diagnostics.errors.map((d) => [d.path, d.code]);
    expect(errors).toEqual([
      ['mixins[0]', 'blackbox-module'],
      ['mixins[1].kubeStateMetrics', 'missing-exporter'],
    ]);
    expect(r.diagnostics.errors[1]!.hint).toContain('kubeStateMetrics.targets');
  });
});
