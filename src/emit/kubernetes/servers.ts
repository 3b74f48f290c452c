/**
 * The servers themselves under prometheus-operator (kubernetes.servers: 'emit', docs/kubernetes.md):
 * the stack's HA layout as a `Prometheus` (replicas, shards, external labels, remote_write with
 * Secret references), an `Alertmanager` cluster of `alerting.peers`, a headless Service every
 * Prometheus and ruler sends alerts through, the Prometheus's RBAC, and for a sharded stack a
 * `ThanosRuler` evaluating the rules over the long-term store.
 *
 * Why a ThanosRuler for shards > 1: the operator's shards each evaluate every selected rule on
 * their own share of the targets, so an SLO's error ratio over all instances of a service would
 * be computed per shard, as partial answers that each alert on their own (the reason the compose
 * layout runs vmalert over the store). The ThanosRuler is the operator's own CRD for evaluating
 * the same PrometheusRules against a query API: the store every shard writes to.
 */
import type { Diagnostics } from '../../core/diagnostics.ts';
import type { Bundle } from '../../stack/bundle.ts';
import type { KubernetesTargetConfig } from '../../stack/targets.ts';
import type { RemoteWrite, Topology } from '../../stack/topology.ts';
import { type CredentialsSecret, type KubeObject, metadata, objectName } from './common.ts';
import { EVALUATION_LABEL } from './rules.ts';

type Obj = Record<string, unknown>;

/** The label the operator gives every ThanosRuler replica's series (pod name); dropped on the way to the store. */
export const THANOS_RULER_REPLICA_LABEL = 'thanos_ruler_replica';

/** Whether the stack's layout asks for more than one Prometheus and one Alertmanager without remote_write. */
export function hasLayout(t: Topology): boolean {
  return t.replicas > 1 || t.shards > 1 || t.remoteWrite.length > 0 || t.alertmanagers.length > 1;
}

/** 'emit' or 'existing': the prop, else 'emit' exactly when the stack sets a layout an existing server would ignore. */
export function serversMode(bundle: Bundle, config: KubernetesTargetConfig): 'emit' | 'existing' {
  return config.servers ?? (hasLayout(bundle.topology) ? 'emit' : 'existing');
}

/** The store's base URL inside the cluster. */
export function storeUrl(config: KubernetesTargetConfig): string {
  return (config.storeUrl ?? `http://victoriametrics.${config.namespace}.svc:8428`).replace(/\/+$/, '');
}

/** The objects' selector: the labels obsgen puts on them, and this stack's part-of label, so only this stack's objects are picked. */
function selector(labels: Record<string, string>, stack: string): Obj {
  return { matchLabels: { ...labels, 'app.kubernetes.io/part-of': stack } };
}

/** Name of the headless Service in front of the stack's Alertmanager pods. */
export function alertmanagerServiceName(stack: string): string {
  return objectName('alertmanager', stack);
}

function remoteWriteCrd(rw: RemoteWrite, t: Topology, config: KubernetesTargetConfig, creds: CredentialsSecret): Obj {
  const url = rw.source === 'prometheus.longTermStore' ? `${storeUrl(config)}/api/v1/write` : rw.url;
  const q = rw.queue;
  const queueConfig = q ? Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined)) : undefined;
  return {
    url,
    name: rw.name,
    ...(rw.remoteTimeout ? { remoteTimeout: rw.remoteTimeout } : {}),
    ...(queueConfig && Object.keys(queueConfig).length ? { queueConfig } : {}),
    ...(rw.basicAuth
      ? {
          basicAuth: {
            username: creds.literal(`${objectName('remote-write', rw.name)}-username`, `basic-auth username of remote_write ${rw.name}: the value ${JSON.stringify(rw.basicAuth.username)}`, rw.source),
            password: creds.ref(rw.basicAuth.passwordFile, `basic-auth password of remote_write ${rw.name}`, rw.source),
          },
        }
      : {}),
    ...(rw.bearerTokenFile ? { authorization: { type: 'Bearer', credentials: creds.ref(rw.bearerTokenFile, `bearer token of remote_write ${rw.name}`, rw.source) } } : {}),
    // As in compose: the replicas' identical series reach the store without the replica label, and the store dedups them.
    ...(t.replicas > 1 && !rw.keepReplicaLabel ? { writeRelabelConfigs: [{ action: 'labeldrop', regex: t.replicaLabel }] } : {}),
  };
}

function prometheus(bundle: Bundle, config: KubernetesTargetConfig, creds: CredentialsSecret, serviceAccount: string): KubeObject {
  const t = bundle.topology;
  const g = bundle.globals;
  const name = objectName(bundle.stack);
  const monitors = selector(config.monitorLabels, bundle.stack);
  const spec: Obj = {
    replicas: t.replicas,
    ...(t.shards > 1 ? { shards: t.shards } : {}),
    // The operator labels every series with the pod name under this label; one replica gets none, as in compose.
    replicaExternalLabelName: t.replicas > 1 ? t.replicaLabel : '',
    // The operator's `prometheus: <namespace>/<name>` label is not in the compose series: left out so both targets store the same series.
    prometheusExternalLabelName: '',
    ...(Object.keys(g.externalLabels).length ? { externalLabels: g.externalLabels } : {}),
    scrapeInterval: g.scrapeInterval,
    ...(g.scrapeTimeout ? { scrapeTimeout: g.scrapeTimeout } : {}),
    evaluationInterval: g.evaluationInterval,
    retention: g.retention,
    serviceAccountName: serviceAccount,
    serviceMonitorSelector: monitors,
    podMonitorSelector: monitors,
    probeSelector: monitors,
    scrapeConfigSelector: monitors,
    // A null ruleSelector selects no rule: a sharded Prometheus leaves the rules to the ThanosRuler, but for the shard-local groups.
    ...(t.ruleEvaluation === 'prometheus'
      ? { ruleSelector: selector(config.ruleLabels, bundle.stack) }
      : t.shardLocalGroups.length
        ? { ruleSelector: selector({ ...config.ruleLabels, [EVALUATION_LABEL]: 'shard' }, bundle.stack) }
        : {}),
    // Every replica sends to every peer (the operator drops the replica label from alerts, so the peers dedup).
    alerting: { alertmanagers: [{ namespace: config.namespace, name: alertmanagerServiceName(bundle.stack), port: 'web', apiVersion: 'v2' }] },
    ...(t.remoteWrite.length ? { remoteWrite: t.remoteWrite.map((rw) => remoteWriteCrd(rw, t, config, creds)) } : {}),
  };
  return {
    file: `prometheus-${name}.yaml`,
    source: 'prometheus',
    object: { apiVersion: 'monitoring.coreos.com/v1', kind: 'Prometheus', metadata: metadata(name, config.namespace, bundle.stack, {}), spec },
  };
}

function alertmanager(bundle: Bundle, config: KubernetesTargetConfig, creds: CredentialsSecret): KubeObject[] {
  const t = bundle.topology;
  const name = objectName(bundle.stack);
  const routing =
    config.alertmanager === 'secret'
      ? { configSecret: config.alertmanagerSecret ?? objectName('alertmanager', bundle.stack), secrets: [creds.name] }
      : {
          alertmanagerConfigSelector: selector(config.monitorLabels, bundle.stack),
          // Without this the operator adds a namespace="<namespace>" matcher that obsgen's aggregated alerts never carry.
          alertmanagerConfigMatcherStrategy: { type: 'None' },
        };
  const spec: Obj = {
    replicas: t.alertmanagers.length,
    ...(t.alertmanagers.length > 1 ? { clusterPeerTimeout: t.peerTimeout } : {}),
    ...routing,
  };
  const service = alertmanagerServiceName(bundle.stack);
  return [
    {
      file: `alertmanager-${name}.yaml`,
      source: 'alerting.peers',
      object: { apiVersion: 'monitoring.coreos.com/v1', kind: 'Alertmanager', metadata: metadata(name, config.namespace, bundle.stack, {}), spec },
    },
    {
      file: `service-${service}.yaml`,
      source: 'alerting.peers',
      object: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: metadata(service, config.namespace, bundle.stack, {}),
        // Headless: Prometheus's endpoints discovery and the ruler's DNS SRV lookup see every peer, not one.
        spec: { clusterIP: 'None', selector: { alertmanager: name }, ports: [{ name: 'web', port: 9093, targetPort: 9093 }] },
      },
    },
  ];
}

function thanosRuler(bundle: Bundle, config: KubernetesTargetConfig): KubeObject {
  const t = bundle.topology;
  const name = objectName(bundle.stack);
  const store = storeUrl(config);
  const spec: Obj = {
    replicas: t.replicas,
    ruleSelector: t.shardLocalGroups.length
      ? { ...selector(config.ruleLabels, bundle.stack), matchExpressions: [{ key: EVALUATION_LABEL, operator: 'NotIn', values: ['shard'] }] }
      : selector(config.ruleLabels, bundle.stack),
    evaluationInterval: bundle.globals.evaluationInterval,
    queryEndpoints: [store],
    // Stateless mode: recorded series go to the store, where the next rule (an SLO alert over a recorded ratio) reads them.
    remoteWrite: [{ url: `${store}/api/v1/write`, name: 'store', writeRelabelConfigs: [{ action: 'labeldrop', regex: THANOS_RULER_REPLICA_LABEL }] }],
    alertmanagersUrl: [`dnssrv+http://_web._tcp.${alertmanagerServiceName(bundle.stack)}.${config.namespace}.svc`],
    ...(Object.keys(bundle.globals.externalLabels).length ? { labels: bundle.globals.externalLabels } : {}),
  };
  return {
    file: `thanosruler-${name}.yaml`,
    source: 'prometheus.shards',
    object: { apiVersion: 'monitoring.coreos.com/v1', kind: 'ThanosRuler', metadata: metadata(name, config.namespace, bundle.stack, {}), spec },
  };
}

/** What Prometheus's Kubernetes discovery and the kubelet's cAdvisor endpoint need (as kube-prometheus grants). */
function rbac(stack: string, namespace: string): { serviceAccount: string; objects: KubeObject[] } {
  const name = objectName('prometheus', stack);
  const clusterMeta = () => {
    const m = metadata(name, namespace, stack, {});
    delete m.namespace;
    return m;
  };
  const read = ['get', 'list', 'watch'];
  return {
    serviceAccount: name,
    objects: [
      { file: `serviceaccount-${name}.yaml`, source: 'prometheus', object: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: metadata(name, namespace, stack, {}) } },
      {
        file: `clusterrole-${name}.yaml`,
        source: 'prometheus',
        object: {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRole',
          metadata: clusterMeta(),
          rules: [
            { apiGroups: [''], resources: ['endpoints', 'nodes', 'nodes/metrics', 'pods', 'services'], verbs: read },
            { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: read },
            { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: read },
            { nonResourceURLs: ['/metrics', '/metrics/cadvisor'], verbs: ['get'] },
          ],
        },
      },
      {
        file: `clusterrolebinding-${name}.yaml`,
        source: 'prometheus',
        object: {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRoleBinding',
          metadata: clusterMeta(),
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
          subjects: [{ kind: 'ServiceAccount', name, namespace }],
        },
      },
    ],
  };
}

/**
 * The server objects, or none for 'existing' (with a warning when the stack's layout would
 * then apply to compose only).
 */
export function serverObjects(bundle: Bundle, config: KubernetesTargetConfig, creds: CredentialsSecret, diag: Diagnostics): KubeObject[] {
  const t = bundle.topology;
  if (serversMode(bundle, config) === 'existing') {
    if (hasLayout(t)) {
      diag.warn('kubernetes.servers', 'kubernetes-servers-existing', `the stack's layout (${layoutSummary(t)}) applies to the compose bundle only: the existing Prometheus and Alertmanager keep their own settings`, {
        value: 'existing',
        hint: "remove kubernetes.servers (or set 'emit') to get Prometheus and Alertmanager objects with this layout, or set it in your kube-prometheus-stack values",
      });
    }
    return [];
  }
  const r = rbac(bundle.stack, config.namespace);
  return [prometheus(bundle, config, creds, r.serviceAccount), ...r.objects, ...alertmanager(bundle, config, creds), ...(t.ruleEvaluation === 'vmalert' ? [thanosRuler(bundle, config)] : [])];
}

function layoutSummary(t: Topology): string {
  const parts: string[] = [];
  if (t.replicas > 1) parts.push(`prometheus.replicas: ${t.replicas}`);
  if (t.shards > 1) parts.push(`prometheus.shards: ${t.shards}`);
  if (t.remoteWrite.length) parts.push(`${t.remoteWrite.length} remote_write`);
  if (t.alertmanagers.length > 1) parts.push(`alerting.peers: ${t.alertmanagers.length}`);
  return parts.join(', ');
}
