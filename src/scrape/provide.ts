/**
 * Exporters a mixin points at by a service name of its own (probes: `blackbox-exporter:9115`,
 * kubernetes: `kube-state-metrics:8080`) must exist where the stack runs. Under compose, a
 * single-label host that no compose service answers resolves nowhere. What obsgen can run
 * without knowing more (blackbox_exporter: stateless, its config follows from the probes'
 * modules) it adds to the compose file; for the rest the build fails and says what to give.
 */
import type { Diagnostics } from '../core/diagnostics.ts';
import type { ComposeService, ScrapeJob } from '../core/model.ts';
import { BLACKBOX_EXPORTER, BLACKBOX_MODULES } from './catalog/blackbox.ts';

/** 0.28.0 (2025-12-04): newest release in prometheus/blackbox_exporter CHANGELOG.md (master unreleased as of 2026-07); see docs/images.md. */
export const BLACKBOX_IMAGE = 'prom/blackbox-exporter:v0.28.0';
export const BLACKBOX_CONFIG_IN_CONTAINER = '/etc/blackbox_exporter/config.yml';

/** Services of the compose file itself. */
const CORE_SERVICES = ['prometheus', 'alertmanager', 'grafana'];

/** Exporters that only run inside the system they watch: their default service name must be given an address. */
const NOT_PROVIDED: Record<string, { host: string; hint: string }> = {
  kube_state_metrics: {
    host: 'kube-state-metrics',
    hint: "kube-state-metrics runs in the cluster: give kubeStateMetrics.targets (an address the compose Prometheus reaches, e.g. a NodePort or load balancer) or kubeStateMetrics.service with cluster (through the API server proxy), or kubeStateMetrics.ownJob: false",
  },
};

/** `host:port` -> parts; a host with a dot, an IP or localhost is not a compose service name. */
function serviceAddress(address: string): { host: string; port: number } | undefined {
  const m = /^([A-Za-z0-9_-]+):(\d+)$/.exec(address);
  if (!m || m[1] === 'localhost') return undefined;
  return { host: m[1]!, port: Number(m[2]) };
}

/** The address a job scrapes: a literal `__address__` relabel (probes), else its static targets. */
function scrapedAddresses(job: ScrapeJob): string[] {
  const literal = (job.relabelConfigs ?? []).filter((r) => r.targetLabel === '__address__' && !r.sourceLabels?.length && r.replacement && !r.replacement.includes('$'));
  if (literal.length) return [literal.at(-1)!.replacement!];
  return (job.staticConfigs ?? []).flatMap((s) => s.targets);
}

export function provideExporters(jobs: ScrapeJob[], services: ComposeService[], diag: Diagnostics): ComposeService[] {
  const names = new Set([...CORE_SERVICES, ...services.map((s) => s.name)]);
  const blackbox = new Map<string, { port: number; modules: Set<string>; source: string }>();
  for (const job of jobs) {
    if (!job.exporter) continue;
    for (const address of scrapedAddresses(job)) {
      const a = serviceAddress(address);
      if (!a || names.has(a.host)) continue;
      if (job.exporter === BLACKBOX_EXPORTER) {
        const entry = blackbox.get(a.host) ?? { port: a.port, modules: new Set<string>(), source: job.source };
        if (entry.port !== a.port) {
          diag.error(job.source, 'exporter-port', `blackbox_exporter ${a.host} is used on port ${a.port} here and ${entry.port} at ${entry.source}`, { value: address, hint: 'give every probe the same exporter address' });
        }
        for (const m of job.params?.module ?? ['http_2xx']) {
          if (BLACKBOX_MODULES[m]) entry.modules.add(m);
          else {
            diag.error(job.source, 'blackbox-module', `module ${JSON.stringify(m)} is not one obsgen can write into the blackbox_exporter it adds to the compose file`, {
              value: m,
              hint: `use one of ${Object.keys(BLACKBOX_MODULES).join(', ')}, or run your own blackbox_exporter with that module and give its address (exporter: 'blackbox.example.com:9115')`,
            });
          }
        }
        blackbox.set(a.host, entry);
      } else {
        const known = NOT_PROVIDED[job.exporter];
        if (known && known.host === a.host) {
          diag.error(job.source, 'missing-exporter', `job ${JSON.stringify(job.name)} scrapes ${address}, a service the compose file does not have and obsgen cannot start`, { value: address, hint: known.hint });
        }
      }
    }
  }
  return [...blackbox].map(([host, b]) => blackboxService(host, b.port, [...b.modules].sort(), b.source));
}

function blackboxService(name: string, port: number, modules: string[], source: string): ComposeService {
  return {
    name,
    image: BLACKBOX_IMAGE,
    command: [`--config.file=${BLACKBOX_CONFIG_IN_CONTAINER}`, `--web.listen-address=:${port}`],
    ports: [{ host: port, container: port }],
    files: [{ path: `${name}/blackbox.yml`, mountAt: BLACKBOX_CONFIG_IN_CONTAINER, data: { modules: Object.fromEntries(modules.map((m) => [m, BLACKBOX_MODULES[m]])) } }],
    exporter: BLACKBOX_EXPORTER,
    source,
  };
}
