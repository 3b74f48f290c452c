/**
 * The HA layout under prometheus-operator (kubernetes.servers): the Prometheus and Alertmanager
 * objects carry the stack's replicas, shards, remote_write and peers; their selectors pick
 * exactly the objects obsgen writes; a sharded stack's rules run on a ThanosRuler over the
 * store; credentials stay Secret references; kustomize renders it all.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { bundleFiles, trySynth, type StackProps } from 'obsgen';
import { buildStack } from '../../src/stack/build.ts';
import { haStack, haProps } from '../ha/stacks.ts';
import { tempDir } from '../helpers.ts';

type Obj = Record<string, any>;
const K8S = { targets: ['compose', 'kubernetes'] } as Partial<StackProps>;
const prom = (over: Record<string, unknown>) => ({ prometheus: { scrapeInterval: '15s', evaluationInterval: '15s', externalLabels: { env: 'test' }, ...over } }) as Partial<StackProps>;
const MIMIR = { url: 'https://mimir.example.com/api/v1/push', name: 'mimir', basicAuth: { username: 'shop-tenant', passwordFile: '/run/secrets/mimir_password' }, queue: { maxShards: 20, capacity: 5000, batchSendDeadline: '10s', retryOnRateLimit: true } };

function synth(over: Partial<StackProps>) {
  return trySynth(haStack({ ...K8S, ...over }));
}
function files(over: Partial<StackProps>): Map<string, string> {
  const r = synth(over);
  expect(r.diagnostics.errors).toEqual([]);
  return new Map([...bundleFiles(r.bundle!).files].filter(([p]) => p.startsWith('kubernetes/')));
}
function objects(over: Partial<StackProps>): Obj[] {
  return [...files(over)].filter(([p]) => p.endsWith('.yaml') && !p.endsWith('kustomization.yaml')).map(([, c]) => parse(c) as Obj);
}
const ofKind = (objs: Obj[], kind: string) => objs.filter((o) => o.kind === kind);
const one = (objs: Obj[], kind: string) => {
  const found = ofKind(objs, kind);
  expect(found.length, kind).toBe(1);
  return found[0]!;
};
const matches = (sel: Obj | undefined, o: Obj) => !!sel && Object.entries(sel.matchLabels as Record<string, string>).every(([k, v]) => o.metadata.labels?.[k] === v);

describe("kubernetes.servers: 'emit' (the default with an HA layout)", () => {
  it('a Prometheus with the replicas, replica label, external labels and remote_write (queue, Secret references) of the stack', () => {
    const objs = objects(prom({ replicas: 2, remoteWrite: [MIMIR] }));
    const p = one(objs, 'Prometheus').spec;
    expect(p.replicas).toBe(2);
    expect(p.shards).toBeUndefined();
    expect(p.replicaExternalLabelName).toBe('prometheus_replica');
    expect(p.prometheusExternalLabelName).toBe('');
    expect(p.externalLabels).toEqual({ env: 'test' });
    expect(p.scrapeInterval).toBe('15s');
    expect(p.evaluationInterval).toBe('15s');
    expect(p.remoteWrite).toEqual([
      {
        url: MIMIR.url,
        name: 'mimir',
        queueConfig: { maxShards: 20, capacity: 5000, batchSendDeadline: '10s', retryOnRateLimit: true },
        basicAuth: { username: { name: 'ha-pair-credentials', key: 'remote-write-mimir-username' }, password: { name: 'ha-pair-credentials', key: 'mimir_password' } },
        writeRelabelConfigs: [{ action: 'labeldrop', regex: 'prometheus_replica' }],
      },
    ]);
    // Alerts go to the stack's Alertmanager Service, which selects the Alertmanager's pods.
    const svc = one(objs, 'Service');
    expect(p.alerting.alertmanagers).toEqual([{ namespace: 'monitoring', name: svc.metadata.name, port: 'web', apiVersion: 'v2' }]);
    expect(svc.spec).toMatchObject({ clusterIP: 'None', selector: { alertmanager: one(objs, 'Alertmanager').metadata.name }, ports: [{ name: 'web', port: 9093 }] });
    // Discovery runs as the emitted ServiceAccount, bound to a ClusterRole that can list pods and endpoints.
    const sa = one(objs, 'ServiceAccount');
    expect(p.serviceAccountName).toBe(sa.metadata.name);
    const binding = one(objs, 'ClusterRoleBinding');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: sa.metadata.name, namespace: 'monitoring' }]);
    expect(binding.roleRef.name).toBe(one(objs, 'ClusterRole').metadata.name);
  });

  it("the long-term store's remote_write goes to kubernetes.storeUrl, as does Grafana's datasource", () => {
    const objs = objects({ ...prom({ replicas: 2, longTermStore: { kind: 'victoriametrics' } }), kubernetes: { storeUrl: 'http://vmsingle.metrics.svc:8429/' } });
    expect(one(objs, 'Prometheus').spec.remoteWrite.map((rw: Obj) => rw.url)).toEqual(['http://vmsingle.metrics.svc:8429/api/v1/write']);
    const ds = parse(objs.find((o) => o.metadata.labels.grafana_datasource)!.data['datasources.yaml']);
    expect(ds.datasources.find((d: Obj) => d.type === 'prometheus').url).toBe('http://vmsingle.metrics.svc:8429');
    // The store's scrape job follows it; no compose host name is left.
    expect(ofKind(objs, 'ScrapeConfig').find((o) => o.spec.jobName === 'victoriametrics')!.spec.staticConfigs).toEqual([{ targets: ['vmsingle.metrics.svc:8429'] }]);
  });

  it('selectors pick exactly the objects obsgen writes: every monitor and rule, every AlertmanagerConfig', () => {
    const objs = objects(prom({ replicas: 2 }));
    const p = one(objs, 'Prometheus').spec;
    const selectorOf: Record<string, Obj> = { ServiceMonitor: p.serviceMonitorSelector, PodMonitor: p.podMonitorSelector, Probe: p.probeSelector, ScrapeConfig: p.scrapeConfigSelector, PrometheusRule: p.ruleSelector };
    const monitored = objs.filter((o) => o.kind in selectorOf);
    expect(monitored.length).toBeGreaterThan(3);
    for (const o of monitored) expect(matches(selectorOf[o.kind], o), `${o.kind} ${o.metadata.name}`).toBe(true);
    // Another stack's objects in the same namespace (same release label) are not picked.
    for (const sel of Object.values(selectorOf)) expect(sel.matchLabels['app.kubernetes.io/part-of']).toBe('ha-pair');
    const am = one(objs, 'Alertmanager').spec;
    expect(matches(am.alertmanagerConfigSelector, one(objs, 'AlertmanagerConfig'))).toBe(true);
  });

  it('an Alertmanager cluster of alerting.peers, without the namespace matcher the operator would add', () => {
    const am = one(objects({}), 'Alertmanager').spec;
    expect(am).toMatchObject({ replicas: 3, clusterPeerTimeout: '15s', alertmanagerConfigMatcherStrategy: { type: 'None' } });
  });

  it("with kubernetes.alertmanager: 'secret' the Alertmanager reads the config Secret and mounts the credentials", () => {
    const objs = objects({ kubernetes: { alertmanager: 'secret' } });
    const am = one(objs, 'Alertmanager').spec;
    expect(am.configSecret).toBe(one(objs, 'Secret').metadata.name);
    expect(am.secrets).toEqual(['ha-pair-credentials']);
    expect(am.alertmanagerConfigSelector).toBeUndefined();
    expect(files({ kubernetes: { alertmanager: 'secret' } }).get('kubernetes/SECRETS.md')).toContain('The Alertmanager object in this folder reads its configuration');
  });

  it('shards > 1: the shards select no rules; a ThanosRuler of the same replica count evaluates them over the store and writes back', () => {
    const objs = objects(prom({ replicas: 2, shards: 3, longTermStore: { kind: 'victoriametrics' } }));
    const p = one(objs, 'Prometheus').spec;
    expect(p.shards).toBe(3);
    expect(p.ruleSelector).toBeUndefined();
    const tr = one(objs, 'ThanosRuler').spec;
    expect(tr.replicas).toBe(2);
    expect(tr.queryEndpoints).toEqual(['http://victoriametrics.monitoring.svc:8428']);
    expect(tr.remoteWrite).toEqual([{ url: 'http://victoriametrics.monitoring.svc:8428/api/v1/write', name: 'store', writeRelabelConfigs: [{ action: 'labeldrop', regex: 'thanos_ruler_replica' }] }]);
    expect(tr.alertmanagersUrl).toEqual([`dnssrv+http://_web._tcp.${one(objs, 'Service').metadata.name}.monitoring.svc`]);
    expect(tr.labels).toEqual({ env: 'test' });
    const rules = ofKind(objs, 'PrometheusRule');
    expect(rules.length).toBeGreaterThan(0);
    for (const r of rules) expect(matches(tr.ruleSelector, r), r.metadata.name).toBe(true);
    // The compose layout's vmalert does not exist in the cluster: no scrape job for it.
    expect(ofKind(objs, 'ScrapeConfig').map((o) => o.spec.jobName)).not.toContain('vmalert');
  });

  it('one server and no remote_write keeps the existing servers: no Prometheus, Alertmanager or RBAC objects', () => {
    const objs = objects({ ...prom({}), alerting: { ...haProps().alerting!, peers: 1 } });
    for (const kind of ['Prometheus', 'Alertmanager', 'ThanosRuler', 'ServiceAccount', 'ClusterRole', 'Service']) expect(ofKind(objs, kind), kind).toEqual([]);
  });

  it("servers: 'emit' without a layout writes a single Prometheus and Alertmanager (no replica label)", () => {
    const objs = objects({ ...prom({}), alerting: { ...haProps().alerting!, peers: 1 }, kubernetes: { servers: 'emit' } });
    const p = one(objs, 'Prometheus').spec;
    expect(p.replicas).toBe(1);
    expect(p.replicaExternalLabelName).toBe('');
    expect(p.remoteWrite).toBeUndefined();
    expect(one(objs, 'Alertmanager').spec.replicas).toBe(1);
    expect(one(objs, 'Alertmanager').spec.clusterPeerTimeout).toBeUndefined();
  });

  it("servers: 'existing' with an HA layout warns that the layout applies to compose only", () => {
    const r = synth({ kubernetes: { servers: 'existing' } });
    expect(r.diagnostics.errors).toEqual([]);
    const w = r.diagnostics.warnings.filter((d) => d.code === 'kubernetes-servers-existing');
    expect(w).toEqual([expect.objectContaining({ path: 'kubernetes.servers', message: expect.stringContaining('prometheus.replicas: 2'), hint: expect.stringContaining("'emit'") })]);
    expect(w[0]!.message).toContain('alerting.peers: 3');
    const objs = [...bundleFiles(r.bundle!).files].filter(([p]) => p.startsWith('kubernetes/') && p.endsWith('.yaml')).map(([, c]) => parse(c) as Obj);
    expect(ofKind(objs, 'Prometheus')).toEqual([]);
  });

  it('a bad servers value or storeUrl is an error at its path', () => {
    const errs = synth({ kubernetes: { servers: 'own' as 'emit', storeUrl: 'not a url' } }).diagnostics.errors.map((d) => d.path).sort();
    expect(errs).toEqual(['kubernetes.servers', 'kubernetes.storeUrl']);
  });

  it('no secret value lands in the objects; SECRETS.md names the keys', () => {
    const f = files(prom({ replicas: 2, remoteWrite: [MIMIR] }));
    // The objects hold key references only: neither the compose file path nor the username value.
    const objectsText = [...f].filter(([p]) => p.endsWith('.yaml')).map(([, c]) => c).join('\n');
    expect(objectsText).not.toContain('/run/secrets/mimir_password');
    expect(objectsText).not.toContain('shop-tenant');
    expect(f.get('kubernetes/SECRETS.md')).toContain('`mimir_password`');
    expect(f.get('kubernetes/SECRETS.md')).toContain('`remote-write-mimir-username`');
  });

  it('kubectl kustomize renders every object: namespaced ones in the namespace, the ClusterRole and its binding cluster-wide', () => {
    const out = tempDir('obsgen-k8s-servers-');
    const r = buildStack(haStack({ ...K8S, ...prom({ replicas: 2, shards: 2, longTermStore: { kind: 'victoriametrics' }, remoteWrite: [MIMIR] }) }), out, { verify: false });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const dir = join(out, 'ha-pair/kubernetes');
    const k = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 60_000 });
    expect(k.stderr).toBe('');
    expect(k.status).toBe(0);
    const rendered = k.stdout.split(/^---$/m).map((d) => parse(d) as Obj);
    const written = readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
    expect(rendered.length).toBe(written.length);
    const kinds = new Set(rendered.map((o) => o.kind));
    for (const kind of ['Prometheus', 'Alertmanager', 'ThanosRuler', 'Service', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding']) expect(kinds.has(kind), kind).toBe(true);
    for (const o of rendered) expect(o.metadata.namespace, `${o.kind} ${o.metadata.name}`).toBe(o.kind.startsWith('Cluster') ? undefined : 'monitoring');
    expect(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')).toContain('thanosruler-ha-pair.yaml');
  }, 60_000);
});
