/** Scrape job props -> the bundle's ScrapeJob, and ScrapeJob -> a prometheus.yml scrape_config. */
import type { RelabelConfig, ScrapeJob, TlsFiles } from '../core/model.ts';
import { durationMs, formatDuration } from '../core/duration.ts';
import type { RelabelProps, ScrapeJobProps } from './schema.ts';

export function toScrapeJob(props: ScrapeJobProps, source: string): ScrapeJob {
  const job: ScrapeJob = { name: props.name, source };
  if (props.scrapeInterval) job.scrapeInterval = props.scrapeInterval;
  if (props.scrapeTimeout) job.scrapeTimeout = props.scrapeTimeout;
  if (props.metricsPath) job.metricsPath = props.metricsPath;
  if (props.scheme) job.scheme = props.scheme;
  if (props.params) job.params = props.params;
  if (props.honorLabels !== undefined) job.honorLabels = props.honorLabels;
  if (props.targets) job.staticConfigs = [{ targets: [...props.targets], ...(props.labels ? { labels: props.labels } : {}) }];
  if (props.fileSd) job.fileSdConfigs = [{ files: props.fileSd.files, ...(props.fileSd.refreshInterval ? { refreshInterval: props.fileSd.refreshInterval } : {}) }];
  if (props.kubernetesSd) job.kubernetesSdConfigs = [props.kubernetesSd];
  if (props.kubernetes) {
    const { relabel, namespaces, ...rest } = props.kubernetes;
    job.kubernetes = { ...rest, namespaces: namespaces ?? props.kubernetesSd?.namespaces ?? 'any', ...(relabel ? { relabel: relabel as RelabelConfig[] } : {}) };
  }
  if (props.relabel) job.relabelConfigs = props.relabel as RelabelConfig[];
  if (props.metricRelabel) job.metricRelabelConfigs = props.metricRelabel as RelabelConfig[];
  if (props.basicAuth) job.basicAuth = props.basicAuth;
  if (props.bearerTokenFile) job.bearerTokenFile = props.bearerTokenFile;
  if (props.tls) job.tls = props.tls;
  if (props.sampleLimit !== undefined) job.sampleLimit = props.sampleLimit;
  if (props.exporter) job.exporter = props.exporter;
  return job;
}

function relabelYaml(r: RelabelProps | RelabelConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (r.sourceLabels) out.source_labels = r.sourceLabels;
  if (r.separator !== undefined) out.separator = r.separator;
  if (r.regex !== undefined) out.regex = r.regex;
  if (r.targetLabel !== undefined) out.target_label = r.targetLabel;
  if (r.replacement !== undefined) out.replacement = r.replacement;
  if (r.action !== undefined) out.action = r.action;
  if (r.modulus !== undefined) out.modulus = r.modulus;
  return out;
}

function tlsYaml(tls: TlsFiles): Record<string, unknown> {
  const t: Record<string, unknown> = {};
  if (tls.caFile) t.ca_file = tls.caFile;
  if (tls.certFile) t.cert_file = tls.certFile;
  if (tls.keyFile) t.key_file = tls.keyFile;
  if (tls.serverName) t.server_name = tls.serverName;
  if (tls.insecureSkipVerify !== undefined) t.insecure_skip_verify = tls.insecureSkipVerify;
  return t;
}

/** In-cluster discovery: no API server named, so only a Prometheus inside the cluster can use it. */
export function inClusterDiscovery(job: ScrapeJob): boolean {
  return (job.kubernetesSdConfigs ?? []).some((k) => !k.apiServer && !k.kubeconfigFile);
}

function sortedLabels(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(labels).sort().map((k) => [k, labels[k]!]));
}

/** The effective scrape interval of a job, in ms. */
export function jobScrapeIntervalMs(job: ScrapeJob, globalInterval: string): number {
  return durationMs(job.scrapeInterval ?? globalInterval);
}

export function scrapeConfigYaml(job: ScrapeJob, globalInterval: string, globalTimeout?: string): Record<string, unknown> {
  const out: Record<string, unknown> = { job_name: job.name };
  if (job.scrapeInterval) out.scrape_interval = job.scrapeInterval;
  // Prometheus refuses a timeout above the interval; the global default is 10s.
  const interval = jobScrapeIntervalMs(job, globalInterval);
  const timeout = job.scrapeTimeout ? durationMs(job.scrapeTimeout) : Math.min(durationMs(globalTimeout ?? '10s'), interval);
  if (job.scrapeTimeout || timeout !== durationMs(globalTimeout ?? '10s')) out.scrape_timeout = formatDuration(timeout);
  if (job.metricsPath) out.metrics_path = job.metricsPath;
  if (job.scheme) out.scheme = job.scheme;
  if (job.params) out.params = job.params;
  if (job.honorLabels !== undefined) out.honor_labels = job.honorLabels;
  if (job.sampleLimit !== undefined) out.sample_limit = job.sampleLimit;
  if (job.basicAuth) out.basic_auth = { username: job.basicAuth.username, password_file: job.basicAuth.passwordFile };
  if (job.bearerTokenFile) out.authorization = { type: 'Bearer', credentials_file: job.bearerTokenFile };
  if (job.tls) out.tls_config = tlsYaml(job.tls);
  if (job.staticConfigs) {
    out.static_configs = job.staticConfigs.map((s) => ({ targets: s.targets, ...(s.labels ? { labels: sortedLabels(s.labels) } : {}) }));
  }
  if (job.fileSdConfigs) {
    out.file_sd_configs = job.fileSdConfigs.map((f) => ({ files: f.files, ...(f.refreshInterval ? { refresh_interval: f.refreshInterval } : {}) }));
  }
  if (job.kubernetesSdConfigs) {
    out.kubernetes_sd_configs = job.kubernetesSdConfigs.map((k) => ({
      role: k.role,
      ...(k.apiServer ? { api_server: k.apiServer } : {}),
      ...(k.kubeconfigFile ? { kubeconfig_file: k.kubeconfigFile } : {}),
      ...(k.bearerTokenFile ? { authorization: { type: 'Bearer', credentials_file: k.bearerTokenFile } } : {}),
      ...(k.tls ? { tls_config: tlsYaml(k.tls) } : {}),
      ...(k.namespaces ? { namespaces: { names: k.namespaces } } : {}),
    }));
  }
  if (job.relabelConfigs?.length) out.relabel_configs = job.relabelConfigs.map(relabelYaml);
  if (job.metricRelabelConfigs?.length) out.metric_relabel_configs = job.metricRelabelConfigs.map(relabelYaml);
  return out;
}
