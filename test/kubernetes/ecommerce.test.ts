/**
 * The kubernetes target of the ecommerce-k8s seed: one PrometheusRule per rule group file with
 * the same rules, its Kubernetes discovery jobs as PodMonitors / ServiceMonitors, static jobs as
 * ScrapeConfigs, AlertmanagerConfig receivers on Secret keys, sidecar-labelled dashboards, every
 * object valid against the operator's CRD models, a complete kustomization, byte-identical rebuilds.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { bundleFiles, synth } from 'obsgen';
import { buildStack } from '../../src/stack/build.ts';
import { schemaProblems } from '../../src/emit/kubernetes/validate.ts';
import stack from '../../stacks/ecommerce-k8s.ts';
import { checkName, tempDir, treeHashes } from '../helpers.ts';

type Obj = Record<string, any>;
const root = join(import.meta.dirname, '../..');
const bundle = synth(stack);
const { files } = bundleFiles(bundle);
const k8s = [...files].filter(([p]) => p.startsWith('kubernetes/') && p.endsWith('.yaml') && p !== 'kubernetes/kustomization.yaml');
const objects: Obj[] = k8s.map(([, c]) => parse(c));
const ofKind = (kind: string) => objects.filter((o) => o.kind === kind);
const named = (kind: string, name: string) => {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  expect(o, `${kind} ${name}`).toBeDefined();
  return o!;
};
const lastRelabel = (endpoint: Obj) => endpoint.relabelings.at(-1);

describe('ecommerce-k8s kubernetes target', () => {
  it('builds both targets by default (its jobs use Kubernetes discovery)', () => {
    expect(bundle.targets).toEqual(['compose', 'kubernetes']);
    expect(files.has('docker-compose.yml')).toBe(true);
    expect(files.has('kubernetes/kustomization.yaml')).toBe(true);
  });

  it('has one PrometheusRule per rule group file, with the same groups and rules, labelled for the ruleSelector', () => {
    const ruleFiles = [...files.keys()].filter((p) => p.startsWith('prometheus/rules/'));
    expect(ruleFiles.length).toBe(bundle.ruleGroups.length);
    const rules = ofKind('PrometheusRule');
    expect(rules.length).toBe(ruleFiles.length);
    for (const f of ruleFiles) {
      const groups = parse(files.get(f)!).groups;
      const match = rules.filter((r) => r.spec.groups[0].name === groups[0].name);
      expect(match.length, f).toBe(1);
      expect(match[0]!.spec.groups).toEqual(groups);
      expect(match[0]!.metadata.labels.release).toBe('kube-prometheus-stack');
      expect(match[0]!.metadata.namespace).toBe('monitoring');
    }
  });

  it('scrapes backend-api pods with a PodMonitor in production, every 15s, job label kept', () => {
    const pm = named('PodMonitor', 'ecommerce-k8s-backend-api');
    expect(pm.spec.namespaceSelector).toEqual({ matchNames: ['production'] });
    expect(pm.spec.selector).toEqual({ matchLabels: { app: 'backend-api' } });
    const ep = pm.spec.podMetricsEndpoints[0];
    expect(ep.interval).toBe('15s');
    expect(ep.scrapeTimeout).toBe('10s');
    expect(ep.relabelings[0]).toEqual({ action: 'keep', regex: 'backend-api', sourceLabels: ['__meta_kubernetes_pod_label_app'] });
    expect(lastRelabel(ep)).toEqual({ action: 'replace', replacement: 'backend-api', targetLabel: 'job' });
    // Discovery is in-cluster: nothing of the compose way in (API server, credential files).
    expect(JSON.stringify(pm)).not.toMatch(/eks\.example\.com|\/run\/secrets/);
  });

  it('scrapes the annotated pods with a PodMonitor keeping the prometheus.io/scrape filter', () => {
    const pm = named('PodMonitor', 'ecommerce-k8s-kubernetes-pods');
    expect(pm.spec.selector).toEqual({});
    expect(pm.spec.namespaceSelector).toEqual({ matchNames: ['production'] });
    const ep = pm.spec.podMetricsEndpoints[0];
    expect(ep.relabelings[0]).toEqual({ action: 'keep', regex: 'true', sourceLabels: ['__meta_kubernetes_pod_annotation_prometheus_io_scrape'] });
    expect(lastRelabel(ep).replacement).toBe('kubernetes-pods');
  });

  it('scrapes cAdvisor through the kubelet Service and kube-state-metrics by its Service, as kube-prometheus does', () => {
    const cad = named('ServiceMonitor', 'ecommerce-k8s-cadvisor');
    expect(cad.spec.namespaceSelector).toEqual({ matchNames: ['kube-system'] });
    expect(cad.spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'kubelet' } });
    const e = cad.spec.endpoints[0];
    expect({ port: e.port, path: e.path, scheme: e.scheme, interval: e.interval, honorLabels: e.honorLabels }).toEqual({ port: 'https-metrics', path: '/metrics/cadvisor', scheme: 'https', interval: '15s', honorLabels: true });
    expect(e.bearerTokenFile).toBe('/var/run/secrets/kubernetes.io/serviceaccount/token');
    expect(lastRelabel(e).replacement).toBe('cadvisor');
    const ksm = named('ServiceMonitor', 'ecommerce-k8s-kube-state-metrics');
    expect(ksm.spec.namespaceSelector).toEqual({ matchNames: ['kube-system'] });
    const k = ksm.spec.endpoints[0];
    expect(k.port).toBe('http-metrics');
    expect(k.path).toBeUndefined();
    expect(k.relabelings[0]).toEqual({ action: 'keep', regex: 'kube-state-metrics', sourceLabels: ['__meta_kubernetes_service_name'] });
    expect(lastRelabel(k).replacement).toBe('kube-state-metrics');
  });

  it('scrapes the static exporters (RDS, ElastiCache) with ScrapeConfigs', () => {
    const pg = named('ScrapeConfig', 'ecommerce-k8s-postgres');
    expect(pg.apiVersion).toBe('monitoring.coreos.com/v1alpha1');
    expect(pg.spec.jobName).toBe('postgres');
    expect(pg.spec.staticConfigs).toEqual([{ targets: ['postgres-exporter:9187'] }]);
    expect(pg.spec.scrapeInterval).toBe('15s');
    expect(named('ScrapeConfig', 'ecommerce-k8s-redis').spec.staticConfigs).toEqual([{ targets: ['redis-exporter:9121'] }]);
  });

  it('has one scraping object per scrape job of the bundle', () => {
    const scraping = objects.filter((o) => ['ServiceMonitor', 'PodMonitor', 'Probe', 'ScrapeConfig'].includes(o.kind));
    expect(scraping.map((o) => o.metadata.name).sort()).toEqual(bundle.scrapeJobs.map((j) => `ecommerce-k8s-${j.name}`).sort());
  });

  it('routes with an AlertmanagerConfig whose receivers read Secret keys, never files or values', () => {
    const amc = named('AlertmanagerConfig', 'ecommerce-k8s');
    const byName = Object.fromEntries(amc.spec.receivers.map((r: Obj) => [r.name, r]));
    expect(byName.oncall.pagerdutyConfigs[0].routingKey).toEqual({ name: 'ecommerce-k8s-credentials', key: 'pagerduty_routing_key' });
    expect(byName.platform.slackConfigs[0].apiURL).toEqual({ name: 'ecommerce-k8s-credentials', key: 'slack_api_url' });
    expect(byName.platform.slackConfigs[0].channel).toBe('#ecommerce-alerts');
    expect(amc.spec.route.routes[0]).toEqual({ matchers: [{ matchType: '=', name: 'severity', value: 'critical' }], receiver: 'oncall', repeatInterval: '1h' });
    expect(amc.spec.inhibitRules.length).toBe(bundle.inhibitRules.length);
    for (const [p, c] of k8s) expect(c, p).not.toMatch(/_file:|[\s"]\/run\/secrets/);
    expect(files.get('kubernetes/SECRETS.md')).toMatch(/pagerduty_routing_key.*slack_api_url/s);
  });

  it('ships every dashboard as a ConfigMap for the Grafana sidecar, same JSON as compose', () => {
    const cms = ofKind('ConfigMap').filter((c) => c.metadata.labels.grafana_dashboard !== undefined);
    expect(cms.length).toBe(bundle.dashboards.length);
    for (const d of bundle.dashboards) {
      const cm = cms.find((c) => Object.keys(c.data)[0] === `${d.uid}.json`)!;
      expect(cm.metadata.labels.grafana_dashboard).toBe('1');
      expect(cm.metadata.annotations.grafana_folder).toBe(d.folder);
      expect(cm.data[`${d.uid}.json`]).toBe(files.get(`grafana/dashboards/${d.folder}/${d.uid}.json`));
    }
    const ds = ofKind('ConfigMap').find((c) => c.metadata.labels.grafana_datasource === '1')!;
    const sources = parse(ds.data['datasources.yaml']).datasources;
    expect(sources[0]).toMatchObject({ uid: 'prometheus', url: 'http://prometheus-operated.monitoring.svc:9090', isDefault: false });
  });

  it('every object validates against the operator CRD models', () => {
    expect(objects.length).toBeGreaterThan(20);
    for (const o of objects) expect(schemaProblems(o), `${o.kind} ${o.metadata.name}`).toEqual([]);
  });

  it('every object has only fields the CRD types declare (tsc excess-property check)', () => {
    // The models' validators accept unknown fields, which an API server prunes silently: type
    // each object as its model interface and let tsc refuse any field the CRD does not have.
    const types: Record<string, [string, string]> = {
      PrometheusRule: ['IPrometheusRule', '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule'],
      ServiceMonitor: ['IServiceMonitor', '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor'],
      PodMonitor: ['IPodMonitor', '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor'],
      Probe: ['IProbe', '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/Probe'],
      ScrapeConfig: ['IScrapeConfig', '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1alpha1/ScrapeConfig'],
      AlertmanagerConfig: ['IAlertmanagerConfig', '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1alpha1/AlertmanagerConfig'],
      ConfigMap: ['IConfigMap', 'kubernetes-models/v1/ConfigMap'],
      Secret: ['ISecret', 'kubernetes-models/v1/Secret'],
    };
    const dir = tempDir('obsgen-k8s-types-');
    const lines = Object.values(types).map(([t, m]) => `import type { ${t} } from '${m}';`);
    objects.forEach((o, i) => lines.push(`export const o${i}: ${types[o.kind]![0]} = ${JSON.stringify(o)};`));
    const file = join(dir, 'objects.ts');
    writeFileSync(file, `${lines.join('\n')}\n`);
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', skipLibCheck: true, typeRoots: [], baseUrl: root, paths: { '*': [join(root, 'node_modules/*')] } }, files: [file] }));
    const r = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8', timeout: 120_000 });
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.status).toBe(0);
  }, 120_000);

  it('lists every object file in kustomization.yaml, and nothing else', () => {
    const kz = parse(files.get('kubernetes/kustomization.yaml')!);
    expect(kz.kind).toBe('Kustomization');
    expect(kz.namespace).toBe('monitoring');
    expect([...kz.resources].sort()).toEqual(k8s.map(([p]) => p.slice('kubernetes/'.length)).sort());
    expect(kz.resources).toEqual([...kz.resources].sort());
  });

  it('renders with kustomize (kubectl kustomize): every object, in the monitoring namespace', () => {
    const out = tempDir('obsgen-k8s-kustomize-');
    expect(buildStack(stack, out, { verify: false }).ok).toBe(true);
    const r = spawnSync('kubectl', ['kustomize', join(out, 'ecommerce-k8s/kubernetes')], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const rendered = r.stdout.split(/^---$/m).map((d) => parse(d) as Obj);
    expect(rendered.length).toBe(objects.length);
    expect(rendered.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort());
    for (const o of rendered) expect(o.metadata.namespace).toBe('monitoring');
  }, 60_000);

  it('writes every object with sorted keys', () => {
    const sorted = (v: unknown): boolean => {
      if (Array.isArray(v)) return v.every(sorted);
      if (v && typeof v === 'object') {
        const keys = Object.keys(v);
        return keys.join('\0') === [...keys].sort().join('\0') && Object.values(v).every(sorted);
      }
      return true;
    };
    for (const o of objects) expect(sorted(o), `${o.kind} ${o.metadata.name}`).toBe(true);
  });

  it('rebuilds byte-identical, and the build verifies the PrometheusRules with promtool', () => {
    const a = tempDir('obsgen-k8s-a-');
    const b = tempDir('obsgen-k8s-b-');
    const ra = buildStack(stack, a);
    expect(ra.ok).toBe(true);
    expect(ra.verify!.ran.find((r) => r.tool === checkName('promtool check rules (PrometheusRule spec)'))?.ok).toBe(true);
    expect(buildStack(stack, b, { verify: false }).ok).toBe(true);
    const ha = treeHashes(join(a, 'ecommerce-k8s'));
    expect(Object.keys(ha).filter((p) => p.startsWith('kubernetes/')).length).toBe(k8s.length + 2);
    expect(ha).toEqual(treeHashes(join(b, 'ecommerce-k8s')));
    expect(readFileSync(join(a, 'ecommerce-k8s/kubernetes/kustomization.yaml'), 'utf8')).toBe(files.get('kubernetes/kustomization.yaml'));
  }, 120_000);
});
