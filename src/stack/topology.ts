/**
 * High availability and scale-out props (docs/ha.md): Prometheus replicas and shards,
 * remote_write, the compose long-term store, and the Alertmanager cluster size, resolved
 * into the bundle's `topology`, which every target renders (compose, native runner).
 *
 * Where rules run: with one shard, every replica evaluates every rule over all targets, and
 * Alertmanager dedups the replicas' identical alerts. With shards > 1 a shard sees only its
 * targets, so an aggregate (an SLO's error ratio over all instances of a service) would be
 * split into partial answers; the rules then run once over the whole picture, on vmalert
 * against the long-term store every shard writes to. That needs the store: validation
 * refuses shards > 1 without `longTermStore`.
 */
import { z } from 'zod';
import { duration, filePath, labelName } from '../core/schema.ts';
import { checkHttpUrl } from '../core/url.ts';
import { joinPath, type Diagnostics } from '../core/diagnostics.ts';

/** Query keys that carry credentials when they sit in a URL. */
const SECRET_QUERY_KEYS = /^(access_?token|api_?key|apikey|auth|password|passwd|secret|token|x-api-key)$/i;

/** A remote_write URL: absolute http(s), no user:password@ and no token in the query. */
export const remoteWriteUrl = z.string().superRefine((value, ctx) => {
  const url = checkHttpUrl(value, ctx, {
    notAbsoluteHint: "give the store's write endpoint, e.g. http://victoriametrics:8428/api/v1/write",
    schemeNeed: 'remote_write speaks http or https',
    schemeHint: 'e.g. https://mimir.example.com/api/v1/push',
    credentialsMessage: 'carries credentials: they would be written into prometheus.yml and its logs',
    credentialsHint: "remove user:password@ and set basicAuth: { username: '...', passwordFile: '/run/secrets/<name>' }",
  });
  if (!url) return;
  const secretKeys = [...url.searchParams.keys()].filter((k) => SECRET_QUERY_KEYS.test(k));
  if (secretKeys.length) {
    ctx.addIssue({
      code: 'custom',
      input: value.replace(/([?&][^=&]+=)[^&]*/g, '$1***'),
      message: `carries a credential in its query (${secretKeys.join(', ')})`,
      params: { hint: "remove it and set bearerTokenFile: '/run/secrets/<name>' (or basicAuth with passwordFile)" },
    });
  }
});

/** Prometheus's queue_config, camelCased; unset keys keep Prometheus's defaults. */
const queueSchema = z
  .object({
    /** Samples buffered per shard before reading from the WAL blocks. Prometheus default 10000. */
    capacity: z.number().int().min(1).optional(),
    /** Prometheus default 50 (2.42: 200). */
    maxShards: z.number().int().min(1).optional(),
    /** Prometheus default 1. */
    minShards: z.number().int().min(1).optional(),
    /** Prometheus default 2000 (2.42: 500). */
    maxSamplesPerSend: z.number().int().min(1).optional(),
    /** Prometheus default 5s. */
    batchSendDeadline: duration.optional(),
    /** Prometheus default 30ms. */
    minBackoff: duration.optional(),
    /** Prometheus default 5s. */
    maxBackoff: duration.optional(),
    /** Retry on HTTP 429 instead of dropping the batch. Prometheus default false. */
    retryOnRateLimit: z.boolean().optional(),
  })
  .strict()
  .superRefine((q, ctx) => {
    if (q.minShards !== undefined && q.maxShards !== undefined && q.minShards > q.maxShards) {
      ctx.addIssue({ code: 'custom', path: ['minShards'], input: q.minShards, message: `is above maxShards (${q.maxShards})`, params: { hint: 'set minShards <= maxShards' } });
    }
  });

export const remoteWriteSchema = z
  .object({
    /** The store's write endpoint: VictoriaMetrics `/api/v1/write`, Mimir `/api/v1/push`, Thanos receive `/api/v1/receive`. */
    url: remoteWriteUrl,
    /** Name in Prometheus's remote_write metrics (`remote_name`). @default the URL's host */
    name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'is not a remote_write name (letters, digits, _ . -)').optional(),
    /** @default '30s' */
    remoteTimeout: duration.optional(),
    queue: queueSchema.optional(),
    /** Basic auth; the password is read from a file (a compose secret), never written. */
    basicAuth: z.object({ username: z.string().min(1), passwordFile: filePath }).strict().optional(),
    /** Bearer token read from a file (a compose secret). */
    bearerTokenFile: filePath.optional(),
    /**
     * Keep the replica external label on the series sent. false: the label is dropped and
     * the replicas' identical series are deduplicated by the store (VictoriaMetrics
     * `-dedup.minScrapeInterval`). true: for stores that dedup HA pairs by that label (Mimir's
     * HA tracker, Thanos query `--query.replica-label`). @default false
     */
    keepReplicaLabel: z.boolean().default(false),
  })
  .strict()
  .superRefine((rw, ctx) => {
    if (rw.basicAuth && rw.bearerTokenFile) {
      ctx.addIssue({ code: 'custom', path: ['bearerTokenFile'], input: rw.bearerTokenFile, message: 'is set together with basicAuth; Prometheus takes one', params: { hint: 'keep basicAuth or bearerTokenFile, not both' } });
    }
  });

/** The compose long-term store: VictoriaMetrics single node (Debian package victoria-metrics). */
export const longTermStoreSchema = z
  .object({
    kind: z.literal('victoriametrics'),
    /** Retention (VictoriaMetrics `-retentionPeriod`, e.g. '90d', '1y'). @default '90d' */
    retention: z.string().regex(/^\d+[hdwy]?$/, 'is not a VictoriaMetrics retention (e.g. 90d, 12w, 1y)').default('90d'),
  })
  .strict();

/** A whole number of servers in [min, max], with a fix hint when out of range. */
function count(min: number, max: number, hint: string) {
  return z
    .number()
    .int()
    .superRefine((v, ctx) => {
      if (v < min || v > max) ctx.addIssue({ code: 'custom', input: v, message: `must be between ${min} and ${max}`, params: { hint } });
    });
}

/** Props under `prometheus:` that shape the topology (merged into the stack schema). */
export const prometheusTopologyProps = {
  /** Identical Prometheus servers per shard; each carries a distinct `replicaLabel`. @default 1 */
  replicas: count(1, 10, 'replicas: 1 is one server per shard; 2 is an HA pair').default(1),
  /** Scrape targets split across this many servers by hashmod of the target address. @default 1 */
  shards: count(1, 64, 'shards: 1 keeps every target on one server; add shards when one server holds too many series').default(1),
  /** External label telling replicas apart (dropped from alerts so Alertmanager dedups them). @default 'prometheus_replica' */
  replicaLabel: labelName.default('prometheus_replica'),
  /** External label naming the shard of a server (shards > 1 only). @default 'prometheus_shard' */
  shardLabel: labelName.default('prometheus_shard'),
  /** Stores every server writes to. @default [] */
  remoteWrite: z.array(remoteWriteSchema).default([]),
  /** A long-term store the compose file runs, written to by every server (and read by Grafana). */
  longTermStore: longTermStoreSchema.optional(),
  /**
   * Rule groups (by name) every shard evaluates over its own targets, instead of vmalert over
   * the store (shards > 1). Only for rules whose every result comes from one target: no
   * aggregation that drops `instance`, no absent(), no vector matching that ignores `instance`,
   * no series recorded over the store; the build checks each rule (docs/ha.md). @default []
   */
  shardLocalRules: z.array(z.string().min(1)).default([]),
};

/** Props under `alerting:` that shape the topology. */
export const alertingTopologyProps = {
  /** Alertmanager cluster size (gossip mesh on port 9094); every Prometheus sends to every peer. @default 1 */
  peers: count(1, 9, 'peers: 3 is the usual cluster (it survives one loss); 1 is a single Alertmanager').default(1),
  /**
   * How long a peer waits per position in the cluster before sending a notification the
   * peers before it should have sent (`--cluster.peer-timeout`). @default '15s'
   */
  peerTimeout: duration.default('15s'),
};

export interface RemoteWrite {
  url: string;
  name: string;
  remoteTimeout?: string;
  queue?: z.output<typeof queueSchema>;
  basicAuth?: { username: string; passwordFile: string };
  bearerTokenFile?: string;
  keepReplicaLabel: boolean;
  /** Where it came from in the props (`prometheus.remoteWrite[0]`, or the long-term store). */
  source: string;
}

/** One Prometheus server of the layout. */
export interface PrometheusServer {
  /** Compose service name and config file stem: `prometheus` alone, else `prometheus-<r>` or `prometheus-s<s>-<r>`. */
  name: string;
  shard: number;
  replica: number;
  /** External labels it adds beyond the stack's. */
  labels: Record<string, string>;
}

export interface Topology {
  replicas: number;
  shards: number;
  replicaLabel: string;
  shardLabel: string;
  servers: PrometheusServer[];
  /** Alertmanager service names, peers of one cluster when more than one. */
  alertmanagers: string[];
  peerTimeout: string;
  remoteWrite: RemoteWrite[];
  longTermStore?: { kind: 'victoriametrics'; retention: string; service: string; writeUrl: string; queryUrl: string };
  /** Where rules run: in every Prometheus server, or on vmalert over the long-term store. */
  ruleEvaluation: 'prometheus' | 'vmalert';
  /** vmalert service names (ruleEvaluation 'vmalert'): one per replica. */
  ruleEvaluators: string[];
  /** Rule groups each shard evaluates itself (prometheus.shardLocalRules); the rest run on vmalert. */
  shardLocalGroups: string[];
}

export const VM_SERVICE = 'victoriametrics';
export const VM_PORT = 8428;
export const CLUSTER_PORT = 9094;
export const VMALERT_PORT = 8880;

export function serverName(shards: number, replicas: number, s: number, r: number): string {
  if (shards === 1 && replicas === 1) return 'prometheus';
  return shards === 1 ? `prometheus-${r}` : `prometheus-s${s}-${r}`;
}

export interface TopologyInput {
  replicas: number;
  shards: number;
  replicaLabel: string;
  shardLabel: string;
  remoteWrite: z.output<typeof remoteWriteSchema>[];
  longTermStore?: z.output<typeof longTermStoreSchema>;
  externalLabels: Record<string, string>;
  peers: number;
  peerTimeout: string;
  shardLocalRules?: string[];
}

/** Checks across the props (shards need a global view, labels do not collide) and the resolved layout. */
export function resolveTopology(input: TopologyInput, diag: Diagnostics): Topology {
  const { replicas, shards } = input;
  if (shards > 1 && !input.longTermStore) {
    diag.error('prometheus.shards', 'topology/shards-need-store', `shards: ${shards} splits the targets, so no shard sees a whole service; rules over all instances (SLOs, error ratios) would each give a partial answer`, {
      value: shards,
      hint: "add prometheus.longTermStore: { kind: 'victoriametrics' } (rules then run on vmalert over the store every shard writes to), or keep shards: 1",
    });
  }
  for (const [key, label] of [['replicaLabel', input.replicaLabel], ['shardLabel', input.shardLabel]] as const) {
    if (label in input.externalLabels) {
      diag.error(`prometheus.${key}`, 'topology/label-collision', `${JSON.stringify(label)} is also in prometheus.externalLabels; each server sets it to its own value`, {
        value: label,
        hint: `remove ${label} from externalLabels, or choose another ${key}`,
      });
    }
  }
  if (input.replicaLabel === input.shardLabel) {
    diag.error('prometheus.shardLabel', 'topology/label-collision', 'is the same label as replicaLabel', { value: input.shardLabel, hint: 'give the shard and replica labels different names' });
  }
  const servers: PrometheusServer[] = [];
  for (let s = 0; s < shards; s++) {
    for (let r = 0; r < replicas; r++) {
      const labels: Record<string, string> = {};
      if (replicas > 1) labels[input.replicaLabel] = String(r);
      if (shards > 1) labels[input.shardLabel] = String(s);
      servers.push({ name: serverName(shards, replicas, s, r), shard: s, replica: r, labels });
    }
  }
  const alertmanagers = input.peers === 1 ? ['alertmanager'] : Array.from({ length: input.peers }, (_, i) => `alertmanager-${i}`);
  const store = input.longTermStore
    ? { kind: 'victoriametrics' as const, retention: input.longTermStore.retention, service: VM_SERVICE, writeUrl: `http://${VM_SERVICE}:${VM_PORT}/api/v1/write`, queryUrl: `http://${VM_SERVICE}:${VM_PORT}` }
    : undefined;
  const remoteWrite: RemoteWrite[] = input.remoteWrite.map((rw, i) => ({
    url: rw.url,
    name: rw.name ?? new URL(rw.url).host.replace(/[^A-Za-z0-9_.-]/g, '_'),
    ...(rw.remoteTimeout ? { remoteTimeout: rw.remoteTimeout } : {}),
    ...(rw.queue && Object.keys(rw.queue).length ? { queue: rw.queue } : {}),
    ...(rw.basicAuth ? { basicAuth: rw.basicAuth } : {}),
    ...(rw.bearerTokenFile ? { bearerTokenFile: rw.bearerTokenFile } : {}),
    keepReplicaLabel: rw.keepReplicaLabel,
    source: joinPath('prometheus', 'remoteWrite', i),
  }));
  if (store && !remoteWrite.some((rw) => rw.url === store.writeUrl)) {
    remoteWrite.push({ url: store.writeUrl, name: VM_SERVICE, keepReplicaLabel: false, source: 'prometheus.longTermStore' });
  }
  const seenUrls = new Map<string, string>();
  const seenNames = new Map<string, string>();
  remoteWrite.forEach((rw) => {
    if (seenUrls.has(rw.url)) diag.error(rw.source, 'topology/duplicate-remote-write', `writes to the same URL as ${seenUrls.get(rw.url)}`, { value: rw.url, hint: 'list each store once' });
    else seenUrls.set(rw.url, rw.source);
    if (seenNames.has(rw.name)) diag.error(`${rw.source}.name`, 'topology/duplicate-remote-write', `has the same name as ${seenNames.get(rw.name)}: their metrics would mix`, { value: rw.name, hint: 'give each remoteWrite entry its own name' });
    else seenNames.set(rw.name, rw.source);
  });
  const shardLocalGroups = input.shardLocalRules ?? [];
  if (shardLocalGroups.length && shards === 1) {
    diag.error('prometheus.shardLocalRules', 'topology/shard-local-rules', 'names rule groups to run per shard, but there is one shard: every rule already runs in Prometheus', {
      value: shardLocalGroups,
      hint: 'remove shardLocalRules, or set prometheus.shards above 1',
    });
  }
  shardLocalGroups.forEach((g, i) => {
    if (shardLocalGroups.indexOf(g) !== i) diag.error(joinPath('prometheus', 'shardLocalRules', i), 'topology/shard-local-rules', `names ${JSON.stringify(g)} twice`, { value: g, hint: 'list each group once' });
  });
  const ruleEvaluation = shards > 1 ? 'vmalert' : 'prometheus';
  return {
    replicas,
    shards,
    replicaLabel: input.replicaLabel,
    shardLabel: input.shardLabel,
    servers,
    alertmanagers,
    peerTimeout: input.peerTimeout,
    remoteWrite,
    ...(store ? { longTermStore: store } : {}),
    ruleEvaluation,
    ruleEvaluators: ruleEvaluation === 'vmalert' ? Array.from({ length: replicas }, (_, r) => (replicas === 1 ? 'vmalert' : `vmalert-${r}`)) : [],
    shardLocalGroups: shards > 1 ? [...new Set(shardLocalGroups)] : [],
  };
}
