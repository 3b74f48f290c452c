/**
 * docker-compose.yml: Prometheus, Alertmanager, Grafana (and the exporters obsgen adds,
 * src/scrape/provide.ts) on pinned images with the
 * bundle's folders mounted read-only, ports on 127.0.0.1 by default, and every secret
 * the configs reference (`*_file` under /run/secrets/) as a compose secret.
 */
import type { Diagnostics } from '../core/diagnostics.ts';
import type { Bundle } from '../stack/bundle.ts';
import { urlPath } from '../stack/links.ts';
import { IMAGES } from '../stack/schema.ts';
import { renderHbs } from './templates.ts';
import { composeAlertmanagers, composePrometheusServers, composeStoreServices, hostPorts } from './topology.ts';
import { GENERATED, toYaml } from './yaml.ts';

const SECRET_DIR = '/run/secrets/';

/** Every `*_file` value in a config object, with its key path. */
export function fileReferences(config: unknown, path = ''): { path: string; file: string }[] {
  const out: { path: string; file: string }[] = [];
  if (Array.isArray(config)) config.forEach((v, i) => out.push(...fileReferences(v, `${path}[${i}]`)));
  else if (config && typeof config === 'object') {
    for (const [k, v] of Object.entries(config)) {
      const p = path ? `${path}.${k}` : k;
      if (typeof v === 'string' && k.endsWith('_file')) out.push({ path: p, file: v });
      else out.push(...fileReferences(v, p));
    }
  }
  return out;
}

function secretNames(refs: { file: string }[]): string[] {
  return [...new Set(refs.filter((r) => r.file.startsWith(SECRET_DIR)).map((r) => r.file.slice(SECRET_DIR.length)))].sort();
}

export interface ComposeInput {
  bundle: Bundle;
  /** Every Prometheus server's config (one per replica and shard). */
  prometheusConfig: unknown;
  alertmanagerConfig: unknown;
  diag?: Diagnostics;
}

export function composeFile({ bundle, prometheusConfig, alertmanagerConfig }: ComposeInput): { content: string; secrets: string[] } {
  const prometheusSecrets = secretNames(fileReferences(prometheusConfig));
  const alertmanagerSecrets = secretNames(fileReferences(alertmanagerConfig));
  const extra = [...bundle.composeServices].sort((a, b) => a.name.localeCompare(b.name));
  const extraSecrets = extra.flatMap((s) => s.secrets ?? []);
  const all = [...new Set(['grafana_admin_password', ...prometheusSecrets, ...alertmanagerSecrets, ...extraSecrets])].sort();
  const ports = hostPorts(bundle);
  const prometheusServers = composePrometheusServers(bundle, ports.prometheus);
  const alertmanagers = composeAlertmanagers(bundle, ports.alertmanager);
  const { store, evaluators } = composeStoreServices(bundle);
  const content = renderHbs('docker-compose.yml.hbs', {
    generated: GENERATED,
    stack: bundle.stack,
    retention: bundle.globals.retention,
    bind: bundle.compose.bindAddress,
    ports: bundle.compose.ports,
    images: { ...IMAGES, ...bundle.compose.images },
    grafanaAdminUser: bundle.grafana.adminUser,
    links: bundle.links,
    prometheusPath: urlPath(bundle.links.prometheusUrl),
    alertmanagerPath: urlPath(bundle.links.alertmanagerUrl),
    prometheusSecrets,
    alertmanagerSecrets,
    alertmanagerZoneinfo: needsZoneinfo(bundle),
    prometheusServers,
    alertmanagers,
    grafanaDependsOn: prometheusServers[0]!.name,
    store,
    evaluators,
    volumes: [...prometheusServers.map((p) => p.volume), ...alertmanagers.map((a) => a.volume), 'grafana-data', ...(store ? [store.volume] : [])],
    extraServices: extra.map((s) => ({
      name: s.name,
      image: s.image,
      command: s.command ?? [],
      environment: Object.keys(s.environment ?? {})
        .sort()
        .map((key) => ({ key, value: s.environment![key] })),
      secrets: s.secrets ?? [],
      ports: s.ports ?? [],
      volumes: (s.files ?? []).map((f) => `./${f.path}:${f.mountAt}:ro`),
    })),
    secrets: all.map((name) => ({ name, file: `./secrets/${name}` })),
  });
  return { content, secrets: all };
}

/**
 * Alertmanager's image has no time zone database (Go's LoadLocation reads /usr/share/zoneinfo),
 * so a time interval with an IANA location fails to load unless the host's is mounted.
 */
function needsZoneinfo(bundle: Bundle): boolean {
  return Object.values(bundle.alerting.timeIntervals).some((list) => list.some((t) => t.location !== undefined && t.location !== 'UTC' && t.location !== 'Local'));
}

/** The config files of the extra services (e.g. blackbox-exporter/blackbox.yml), by bundle path. */
export function composeServiceFiles(bundle: Bundle): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of bundle.composeServices) for (const f of s.files ?? []) out.set(f.path, toYaml(f.data, GENERATED));
  return out;
}

export function secretsReadme(secrets: string[]): string {
  return [
    '# Secrets',
    '',
    'obsgen never writes secret values. Before `docker compose up`, create one file per secret',
    'in this folder (each holds the bare value, no trailing newline needed):',
    '',
    ...secrets.map((s) => `- \`secrets/${s}\``),
    '',
    'The compose file mounts them at /run/secrets/<name>, where the generated configs read them.',
    '',
  ].join('\n');
}
