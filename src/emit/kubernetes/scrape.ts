/**
 * Scrape jobs -> ServiceMonitor / PodMonitor / Probe / ScrapeConfig (src/scrape/kubernetes.ts
 * chooses which). Every object keeps the compose job's name as the `job` label, so the alerts
 * and dashboards that select `job="..."` read the same series in both targets.
 */
import type { Diagnostics } from '../../core/diagnostics.ts';
import { durationMs, formatDuration } from '../../core/duration.ts';
import type { KubernetesScrape, RelabelConfig, ScrapeJob } from '../../core/model.ts';
import { kubernetesForm } from '../../scrape/kubernetes.ts';
import type { KubernetesTargetConfig } from '../../stack/targets.ts';
import { type CredentialsSecret, type KubeObject, metadata, objectName, relabelCrd } from './common.ts';

const SA = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface ScrapeContext {
  stack: string;
  config: KubernetesTargetConfig;
  scrapeInterval: string;
  scrapeTimeout?: string;
  credentials: CredentialsSecret;
  diag: Diagnostics;
}

/** interval and scrapeTimeout, explicit: the operator's Prometheus may have other globals than the stack. */
function timing(job: ScrapeJob, ctx: ScrapeContext): { interval: string; scrapeTimeout: string } {
  const interval = job.scrapeInterval ?? ctx.scrapeInterval;
  const timeout = job.scrapeTimeout ? durationMs(job.scrapeTimeout) : Math.min(durationMs(ctx.scrapeTimeout ?? '10s'), durationMs(interval));
  return { interval, scrapeTimeout: formatDuration(timeout) };
}

/** The job's credentials as Secret references (the operator mounts them; files are compose's way). */
function auth(job: ScrapeJob, ctx: ScrapeContext): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const c = ctx.credentials;
  if (job.bearerTokenFile) out.authorization = { type: 'Bearer', credentials: c.ref(job.bearerTokenFile, `bearer token of scrape job ${job.name}`, job.source) };
  if (job.basicAuth) {
    out.basicAuth = {
      username: c.literal(`${objectName(job.name)}-username`, `basic-auth username of scrape job ${job.name}: the value ${JSON.stringify(job.basicAuth.username)}`, job.source),
      password: c.ref(job.basicAuth.passwordFile, `basic-auth password of scrape job ${job.name}`, job.source),
    };
  }
  if (job.tls) {
    const t: Record<string, unknown> = {};
    if (job.tls.caFile) t.ca = { secret: c.ref(job.tls.caFile, `CA certificate of scrape job ${job.name}`, job.source) };
    if (job.tls.certFile) t.cert = { secret: c.ref(job.tls.certFile, `client certificate of scrape job ${job.name}`, job.source) };
    if (job.tls.keyFile) t.keySecret = c.ref(job.tls.keyFile, `client key of scrape job ${job.name}`, job.source);
    if (job.tls.serverName) t.serverName = job.tls.serverName;
    if (job.tls.insecureSkipVerify !== undefined) t.insecureSkipVerify = job.tls.insecureSkipVerify;
    out.tlsConfig = t;
  }
  return out;
}

/** The relabel rules of the form, then the one that names the job as compose does. */
function relabelings(rules: RelabelConfig[], job: ScrapeJob): Record<string, unknown>[] {
  return [...rules.map(relabelCrd), { action: 'replace', replacement: job.name, targetLabel: 'job' }];
}

function namespaceSelector(ns: KubernetesScrape['namespaces']): Record<string, unknown> {
  if (ns === undefined) return {};
  return { namespaceSelector: ns === 'any' ? { any: true } : { matchNames: ns } };
}

function monitor(job: ScrapeJob, s: KubernetesScrape, ctx: ScrapeContext): Record<string, unknown> {
  const pod = s.kind === 'PodMonitor';
  const endpoint: Record<string, unknown> = {
    ...timing(job, ctx),
    relabelings: relabelings(s.relabel ?? job.relabelConfigs ?? [], job),
  };
  if (s.port) endpoint.port = s.port;
  if (s.targetPort !== undefined) endpoint[pod ? 'portNumber' : 'targetPort'] = s.targetPort;
  const path = s.path ?? (s.relabel ? undefined : job.metricsPath);
  if (path) endpoint.path = path;
  const scheme = s.scheme ?? (s.relabel ? undefined : job.scheme);
  if (scheme) endpoint.scheme = scheme;
  if (job.params) endpoint.params = job.params;
  const honor = s.honorLabels ?? job.honorLabels;
  if (honor !== undefined) endpoint.honorLabels = honor;
  if (job.metricRelabelConfigs?.length) endpoint.metricRelabelings = job.metricRelabelConfigs.map(relabelCrd);
  if (s.serviceAccountAuth) {
    if (pod) {
      ctx.diag.error(job.source, 'kubernetes-form', `scrape job ${JSON.stringify(job.name)}: a PodMonitor cannot read the Prometheus pod's service account token`, { hint: "use kind: 'ServiceMonitor' for targets that need the service account (the kubelet)" });
    }
    endpoint.bearerTokenFile = `${SA}/token`;
    endpoint.tlsConfig = { caFile: `${SA}/ca.crt`, ...(s.insecureSkipVerify ? { insecureSkipVerify: true } : {}) };
  } else if (!s.relabel) {
    // The job's own credentials apply to its targets; a form with its own relabel rules is a different way in (the mixin's).
    Object.assign(endpoint, auth(job, ctx));
  }
  return {
    selector: s.selector && Object.keys(s.selector).length ? { matchLabels: s.selector } : {},
    ...namespaceSelector(s.namespaces),
    ...(job.sampleLimit !== undefined ? { sampleLimit: job.sampleLimit } : {}),
    [pod ? 'podMetricsEndpoints' : 'endpoints']: [endpoint],
  };
}

const ROLE: Record<string, string> = { pod: 'Pod', service: 'Service', endpoints: 'Endpoints', endpointslice: 'EndpointSlice', node: 'Node', ingress: 'Ingress' };

/** The object that scrapes `job` in the cluster, or undefined with an error when it has none. */
export function scrapeObject(job: ScrapeJob, ctx: ScrapeContext): KubeObject | undefined {
  const form = kubernetesForm(job, ctx.config.staticJobs);
  if (form.kind === 'none') {
    ctx.diag.error(job.source, 'kubernetes-no-form', `${form.reason}: the kubernetes target cannot scrape it`, { hint: form.hint });
    return undefined;
  }
  const name = objectName(ctx.stack, job.name);
  const meta = metadata(name, ctx.config.namespace, ctx.stack, ctx.config.monitorLabels);
  if (form.kind === 'ServiceMonitor' || form.kind === 'PodMonitor') {
    return { file: `${form.kind.toLowerCase()}-${name}.yaml`, source: job.source, object: { apiVersion: 'monitoring.coreos.com/v1', kind: form.kind, metadata: meta, spec: monitor(job, form.scrape, ctx) } };
  }
  if (form.kind === 'Probe') {
    const [host, ...rest] = form.proberUrl.split('/');
    const spec: Record<string, unknown> = {
      jobName: job.name,
      ...timing(job, ctx),
      module: form.module,
      prober: { url: host, ...(rest.length ? { path: `/${rest.join('/')}` } : {}), ...(job.scheme ? { scheme: job.scheme } : {}) },
      targets: {
        staticConfig: {
          static: form.targets,
          ...(form.labels ? { labels: form.labels } : {}),
          ...(form.relabel.length ? { relabelingConfigs: form.relabel.map(relabelCrd) } : {}),
        },
      },
      ...(job.metricRelabelConfigs?.length ? { metricRelabelings: job.metricRelabelConfigs.map(relabelCrd) } : {}),
      ...(job.sampleLimit !== undefined ? { sampleLimit: job.sampleLimit } : {}),
    };
    return { file: `probe-${name}.yaml`, source: job.source, object: { apiVersion: 'monitoring.coreos.com/v1', kind: 'Probe', metadata: meta, spec } };
  }
  const sc = form as Extract<typeof form, { kind: 'ScrapeConfig' }>;
  const t = timing(job, ctx);
  const spec: Record<string, unknown> = {
    jobName: job.name,
    scrapeInterval: t.interval,
    scrapeTimeout: t.scrapeTimeout,
    ...(job.metricsPath ? { metricsPath: job.metricsPath } : {}),
    ...(job.scheme ? { scheme: job.scheme.toUpperCase() } : {}),
    ...(job.params ? { params: job.params } : {}),
    ...(job.honorLabels !== undefined ? { honorLabels: job.honorLabels } : {}),
    ...(job.sampleLimit !== undefined ? { sampleLimit: job.sampleLimit } : {}),
    ...(sc.staticConfigs ? { staticConfigs: sc.staticConfigs.map((s) => ({ targets: s.targets, ...(s.labels ? { labels: s.labels } : {}) })) } : {}),
    ...(sc.kubernetesSd ? { kubernetesSDConfigs: sc.kubernetesSd.map((k) => ({ role: ROLE[k.role] ?? k.role, ...(k.namespaces ? { namespaces: { names: k.namespaces } } : {}) })) } : {}),
    ...(sc.relabel.length ? { relabelings: sc.relabel.map(relabelCrd) } : {}),
    ...(job.metricRelabelConfigs?.length ? { metricRelabelings: job.metricRelabelConfigs.map(relabelCrd) } : {}),
    ...auth(job, ctx),
  };
  return { file: `scrapeconfig-${name}.yaml`, source: job.source, object: { apiVersion: 'monitoring.coreos.com/v1alpha1', kind: 'ScrapeConfig', metadata: meta, spec } };
}
