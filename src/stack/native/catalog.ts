/**
 * Which container images and scrape targets the native runner can start, and with which
 * Debian binary. A compose service is matched by its image (registry and tag ignored); a
 * scrape target that is not a compose service is matched by its host name or by the
 * exporter's well-known port (e.g. `postgres-exporter:9187`, `db1:9100`).
 */

export type NativeKind =
  | 'prometheus'
  | 'alertmanager'
  | 'grafana'
  | 'node-exporter'
  | 'postgres-exporter'
  | 'redis-exporter'
  | 'blackbox-exporter'
  | 'postgres'
  | 'redis'
  | 'victoriametrics'
  | 'vmalert';

export interface NativeBinary {
  kind: NativeKind;
  /** Debian package that ships the binary; undefined: no Debian package (skipped). */
  debianPackage?: string;
  /** Executable name on PATH (or resolved by `locate`). */
  binary?: string;
  /** Image repositories (without registry host and tag) this kind stands in for. */
  images: string[];
  /** Target host names that mean this kind. */
  hosts: RegExp[];
  /** The port the image listens on inside its container. */
  containerPort: number;
  /** Flag style for the listen address, `--web.listen-address=ADDR` etc. */
  listenArgs?: (port: number) => string[];
  /** HTTP path that answers 200 when ready; undefined: TCP connect. */
  readyPath?: string;
  /** Backing database the exporter scrapes. */
  needs?: 'postgres' | 'redis';
  /** Signal that stops it quickly (postgres: SIGINT, fast shutdown). */
  stopSignal?: NodeJS.Signals;
  /** Why it is skipped, when it has no Debian binary. */
  skipReason?: string;
  /** The argument that lists every flag (Go's flag package: `-help`; kingpin: `--help-long`). @default '--help-long' */
  helpArg?: string;
}

export const NATIVE: Record<NativeKind, NativeBinary> = {
  prometheus: {
    kind: 'prometheus',
    debianPackage: 'prometheus',
    binary: 'prometheus',
    images: ['prom/prometheus', 'prometheus/prometheus'],
    hosts: [/^prometheus$/],
    containerPort: 9090,
    listenArgs: (p) => [`--web.listen-address=127.0.0.1:${p}`],
    readyPath: '/-/ready',
  },
  alertmanager: {
    kind: 'alertmanager',
    debianPackage: 'prometheus-alertmanager',
    binary: 'prometheus-alertmanager',
    images: ['prom/alertmanager', 'prometheus/alertmanager'],
    hosts: [/^alertmanager$/],
    containerPort: 9093,
    // No gossip: a single Alertmanager on loopback.
    listenArgs: (p) => [`--web.listen-address=127.0.0.1:${p}`, '--cluster.listen-address='],
    readyPath: '/-/ready',
  },
  grafana: {
    kind: 'grafana',
    images: ['grafana/grafana', 'grafana/grafana-oss', 'grafana/grafana-enterprise'],
    hosts: [/^grafana$/],
    containerPort: 3000,
    skipReason: 'Grafana has no Debian package; dashboards need `docker compose up` (the bundle is the same)',
  },
  'node-exporter': {
    kind: 'node-exporter',
    debianPackage: 'prometheus-node-exporter',
    binary: 'prometheus-node-exporter',
    images: ['prom/node-exporter', 'prometheus/node-exporter'],
    hosts: [/^node[-_]?exporter$/, /^node$/],
    containerPort: 9100,
    listenArgs: (p) => [`--web.listen-address=127.0.0.1:${p}`],
    readyPath: '/metrics',
  },
  'postgres-exporter': {
    kind: 'postgres-exporter',
    debianPackage: 'prometheus-postgres-exporter',
    binary: 'prometheus-postgres-exporter',
    images: ['prometheuscommunity/postgres-exporter', 'wrouesnel/postgres_exporter'],
    hosts: [/^postgres(ql)?[-_]?exporter$/, /^pg[-_]?exporter$/],
    containerPort: 9187,
    listenArgs: (p) => [`--web.listen-address=127.0.0.1:${p}`],
    readyPath: '/metrics',
    needs: 'postgres',
  },
  'redis-exporter': {
    kind: 'redis-exporter',
    debianPackage: 'prometheus-redis-exporter',
    binary: 'prometheus-redis-exporter',
    images: ['oliver006/redis_exporter'],
    hosts: [/^redis[-_]?exporter$/],
    containerPort: 9121,
    listenArgs: (p) => [`-web.listen-address=127.0.0.1:${p}`],
    readyPath: '/metrics',
    needs: 'redis',
  },
  'blackbox-exporter': {
    kind: 'blackbox-exporter',
    debianPackage: 'prometheus-blackbox-exporter',
    binary: 'prometheus-blackbox-exporter',
    images: ['prom/blackbox-exporter', 'prometheus/blackbox-exporter'],
    hosts: [/^blackbox[-_]?exporter$/],
    containerPort: 9115,
    listenArgs: (p) => [`--web.listen-address=127.0.0.1:${p}`],
    readyPath: '/-/healthy',
  },
  postgres: {
    kind: 'postgres',
    debianPackage: 'postgresql',
    binary: 'postgres',
    images: ['postgres', 'library/postgres', 'timescale/timescaledb', 'bitnami/postgresql'],
    hosts: [],
    containerPort: 5432,
    stopSignal: 'SIGINT',
  },
  victoriametrics: {
    kind: 'victoriametrics',
    debianPackage: 'victoria-metrics',
    binary: 'victoria-metrics',
    images: ['victoriametrics/victoria-metrics'],
    hosts: [/^victoriametrics$/],
    containerPort: 8428,
    listenArgs: (p) => [`-httpListenAddr=127.0.0.1:${p}`],
    readyPath: '/health',
    helpArg: '-help',
  },
  vmalert: {
    kind: 'vmalert',
    debianPackage: 'victoria-metrics',
    binary: 'vmalert',
    images: ['victoriametrics/vmalert'],
    hosts: [/^vmalert(-\d+)?$/],
    containerPort: 8880,
    listenArgs: (p) => [`-httpListenAddr=127.0.0.1:${p}`],
    readyPath: '/health',
    helpArg: '-help',
  },
  redis: {
    kind: 'redis',
    debianPackage: 'redis-server',
    binary: 'redis-server',
    images: ['redis', 'library/redis', 'bitnami/redis'],
    hosts: [],
    containerPort: 6379,
  },
};

/** `quay.io/prometheus/node-exporter:v1.9.1` -> `prometheus/node-exporter`; `redis:7` -> `redis`. */
export function imageRepository(image: string): string {
  let s = image.split('@')[0]!;
  const slash = s.lastIndexOf('/');
  const colon = s.lastIndexOf(':');
  if (colon > slash) s = s.slice(0, colon);
  const parts = s.split('/');
  // A first part with a dot or a port is a registry host.
  if (parts.length > 1 && /[.:]|^localhost$/.test(parts[0]!)) parts.shift();
  return parts.join('/');
}

export function kindOfImage(image: string): NativeKind | undefined {
  const repo = imageRepository(image);
  for (const b of Object.values(NATIVE)) if (b.images.includes(repo)) return b.kind;
  return undefined;
}

/** Exporter kinds a scrape target can stand for. */
const TARGET_KINDS: NativeKind[] = ['node-exporter', 'postgres-exporter', 'redis-exporter', 'blackbox-exporter'];

export function kindOfTarget(host: string, port: number): NativeKind | undefined {
  for (const k of TARGET_KINDS) if (NATIVE[k].hosts.some((re) => re.test(host))) return k;
  for (const k of TARGET_KINDS) if (NATIVE[k].containerPort === port) return k;
  return undefined;
}
