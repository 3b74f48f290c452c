/**
 * The HA / scale-out layout rendered for compose (docs/ha.md): one prometheus/<server>.yml
 * per Prometheus server (its replica and shard labels, its share of the targets, every
 * Alertmanager peer, remote_write), and the service lists the compose template loops over.
 */
import type { Bundle } from '../stack/bundle.ts';
import { ruleFileName } from './prometheus.ts';
import { CLUSTER_PORT, VMALERT_PORT, VM_PORT, type PrometheusServer, type RemoteWrite, type Topology } from '../stack/topology.ts';

/** Temporary label the shard's hash is kept in (dropped with the other `__` labels after relabelling). */
export const SHARD_HASH_LABEL = '__tmp_hash';

/** Bundle path of a server's config file. */
export function serverConfigPath(server: PrometheusServer): string {
  return `prometheus/${server.name}.yml`;
}

/**
 * The relabel rules that keep a shard's share of a job's targets: hashmod of the target's
 * address (before the job's own relabelling, so a probe job's targets spread too) modulo
 * the shard count, then keep the shard's index. Every target hashes to exactly one index.
 */
export function shardRelabelConfigs(shards: number, shard: number): Record<string, unknown>[] {
  return [
    { source_labels: ['__address__'], modulus: shards, target_label: SHARD_HASH_LABEL, action: 'hashmod' },
    { source_labels: [SHARD_HASH_LABEL], regex: String(shard), action: 'keep' },
  ];
}

function sorted(map: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(map).sort().map((k) => [k, map[k]!]));
}

export function remoteWriteYaml(rw: RemoteWrite, t: Topology): Record<string, unknown> {
  const q = rw.queue;
  const queue = q
    ? Object.fromEntries(
        (
          [
            ['capacity', q.capacity],
            ['max_shards', q.maxShards],
            ['min_shards', q.minShards],
            ['max_samples_per_send', q.maxSamplesPerSend],
            ['batch_send_deadline', q.batchSendDeadline],
            ['min_backoff', q.minBackoff],
            ['max_backoff', q.maxBackoff],
            ['retry_on_http_429', q.retryOnRateLimit],
          ] as const
        ).filter(([, v]) => v !== undefined),
      )
    : undefined;
  // External labels are added before write_relabel_configs run, so the replica label can be dropped here.
  const dropReplica = t.replicas > 1 && !rw.keepReplicaLabel;
  return {
    url: rw.url,
    name: rw.name,
    ...(rw.remoteTimeout ? { remote_timeout: rw.remoteTimeout } : {}),
    ...(rw.basicAuth ? { basic_auth: { username: rw.basicAuth.username, password_file: rw.basicAuth.passwordFile } } : {}),
    ...(rw.bearerTokenFile ? { authorization: { type: 'Bearer', credentials_file: rw.bearerTokenFile } } : {}),
    ...(queue && Object.keys(queue).length ? { queue_config: queue } : {}),
    ...(dropReplica ? { write_relabel_configs: [{ action: 'labeldrop', regex: t.replicaLabel }] } : {}),
  };
}

/** Rule files of prometheus.shardLocalRules (each shard evaluates them), sorted. */
export function shardLocalFiles(bundle: Bundle): string[] {
  const local = new Set(bundle.topology.shardLocalGroups);
  return [...new Set(bundle.ruleGroups.filter((g) => local.has(g.name)).map(ruleFileName))].sort();
}

/** vmalert's -rule flags: every rule file, or, with shard-local groups, every other one by name. */
function vmalertRuleFlags(bundle: Bundle): string[] {
  const local = new Set(shardLocalFiles(bundle));
  if (!local.size) return ['-rule=/etc/prometheus/rules/*.rules.yml'];
  return [...new Set(bundle.ruleGroups.map(ruleFileName))]
    .filter((f) => !local.has(f))
    .sort()
    .map((f) => `-rule=/etc/prometheus/rules/${f}`);
}

/**
 * One server's prometheus.yml, from the single-server config of the bundle. Only what the
 * layout adds differs; a stack without HA props gets its config back unchanged.
 */
export function serverConfig(base: Record<string, unknown>, bundle: Bundle, server: PrometheusServer): Record<string, unknown> {
  const t = bundle.topology;
  const config = structuredClone(base) as Record<string, unknown> & { global: Record<string, unknown>; scrape_configs: Record<string, unknown>[] };
  const labels = { ...(config.global.external_labels as Record<string, string> | undefined), ...server.labels };
  if (Object.keys(labels).length) config.global.external_labels = sorted(labels);
  // Sharded: the rules run on vmalert over the store, except the groups each shard can evaluate alone.
  if (t.ruleEvaluation === 'vmalert') config.rule_files = shardLocalFiles(bundle).map((f) => `rules/${f}`);
  const alerting: Record<string, unknown> = { alertmanagers: [{ static_configs: [{ targets: t.alertmanagers.map((a) => `${a}:9093`) }] }] };
  // Replicas send the same alert with their own replica label: without it, the alerts are identical and Alertmanager dedups them.
  if (t.replicas > 1) alerting.alert_relabel_configs = [{ action: 'labeldrop', regex: t.replicaLabel }];
  config.alerting = alerting;
  if (t.shards > 1) {
    config.scrape_configs = config.scrape_configs.map((job) => ({
      ...job,
      relabel_configs: [...shardRelabelConfigs(t.shards, server.shard), ...((job.relabel_configs as unknown[] | undefined) ?? [])],
    }));
  }
  if (t.remoteWrite.length) config.remote_write = t.remoteWrite.map((rw) => remoteWriteYaml(rw, t));
  return config;
}

/** Per-server configs by bundle path; a single server keeps prometheus/prometheus.yml. */
export function serverConfigs(base: Record<string, unknown>, bundle: Bundle): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const s of bundle.topology.servers) out.set(serverConfigPath(s), serverConfig(base, bundle, s));
  return out;
}

/**
 * Host ports: each kind counts up from its configured port, skipping ports another service
 * already took (4 Prometheus servers from 9090 would otherwise meet Alertmanager's 9093).
 */
export function hostPorts(bundle: Bundle): { prometheus: number[]; alertmanager: number[] } {
  const used = new Set<number>([bundle.compose.ports.grafana, ...(bundle.topology.longTermStore ? [VM_PORT] : [])]);
  const take = (from: number, n: number, reserved: Set<number>) => {
    const out: number[] = [];
    for (let p = from; out.length < n; p++) if (!used.has(p) && !reserved.has(p)) (out.push(p), used.add(p));
    return out;
  };
  // Prometheus servers step over Alertmanager's configured port, so the first Alertmanager keeps it.
  const prometheus = take(bundle.compose.ports.prometheus, bundle.topology.servers.length, new Set([bundle.compose.ports.alertmanager]));
  const alertmanager = take(bundle.compose.ports.alertmanager, bundle.topology.alertmanagers.length, new Set());
  return { prometheus, alertmanager };
}

/** What the compose template needs for each Prometheus server. */
export function composePrometheusServers(bundle: Bundle, ports: number[]) {
  return bundle.topology.servers.map((s, i) => ({
    name: s.name,
    configFile: `${s.name}.yml`,
    volume: `${s.name}-data`,
    port: ports[i]!,
  }));
}

/** What the compose template needs for each Alertmanager peer (cluster flags when more than one). */
export function composeAlertmanagers(bundle: Bundle, ports: number[]) {
  const t = bundle.topology;
  const clustered = t.alertmanagers.length > 1;
  return t.alertmanagers.map((name, i) => ({
    name,
    volume: `${name}-data`,
    port: ports[i]!,
    clusterFlags: clustered
      ? [
          `--cluster.listen-address=0.0.0.0:${CLUSTER_PORT}`,
          `--cluster.peer-timeout=${t.peerTimeout}`,
          ...t.alertmanagers.filter((p) => p !== name).map((p) => `--cluster.peer=${p}:${CLUSTER_PORT}`),
        ]
      : [],
  }));
}

/** VictoriaMetrics single node and the vmalert evaluators, as compose services. */
export function composeStoreServices(bundle: Bundle) {
  const t = bundle.topology;
  if (!t.longTermStore) return { store: undefined, evaluators: [] };
  const dedup = bundle.globals.scrapeInterval;
  const store = {
    name: t.longTermStore.service,
    command: [
      '-storageDataPath=/storage',
      `-retentionPeriod=${t.longTermStore.retention}`,
      // Replicas write the same series (the replica label is dropped on the way): keep one sample per scrape interval.
      `-dedup.minScrapeInterval=${dedup}`,
      `-httpListenAddr=:${VM_PORT}`,
    ],
    volume: `${t.longTermStore.service}-data`,
    port: VM_PORT,
  };
  const evaluators = t.ruleEvaluators.map((name) => ({
    name,
    command: [
      ...vmalertRuleFlags(bundle),
      `-datasource.url=${t.longTermStore!.queryUrl}`,
      `-remoteWrite.url=${t.longTermStore!.queryUrl}`,
      `-remoteRead.url=${t.longTermStore!.queryUrl}`,
      `-evaluationInterval=${bundle.globals.evaluationInterval}`,
      ...t.alertmanagers.map((a) => `-notifier.url=http://${a}:9093`),
      ...Object.keys(bundle.globals.externalLabels)
        .sort()
        .map((k) => `-external.label=${k}=${bundle.globals.externalLabels[k]}`),
      `-httpListenAddr=:${VMALERT_PORT}`,
    ],
  }));
  return { store, evaluators };
}
