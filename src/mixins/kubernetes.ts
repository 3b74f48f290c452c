/**
 * kubernetes mixin: workload alerts over kube-state-metrics and the kubelet's cAdvisor
 * endpoint, their scrape jobs (kube-state-metrics static, cAdvisor by node discovery),
 * a dashboard, runbooks and tests. `kubernetesPodsJob()` gives the community
 * `prometheus.io/scrape` annotation job for a stack's `scrapeJobs`.
 */
import { z } from 'zod';
import { defineComponent, type Component } from '../core/component.ts';
import { emptyContribution, type KubernetesScrape } from '../core/model.ts';
import { dashboardUid } from '../core/names.ts';
import { duration, target } from '../core/schema.ts';
import { cpuVsLimitAlert, crashLoopingAlert, memoryVsLimitAlert, oomKilledAlert, podNotReadyAlert, replicasMismatchAlert, type KubeTarget } from '../alerts/kubernetes.ts';
import { kubernetesDashboard } from '../dashboards/kubernetes.ts';
import { toScrapeJob } from '../scrape/jobs.ts';
import { kubernetesApiSchema, type KubernetesApiProps, type ScrapeJobProps } from '../scrape/schema.ts';
import { alertKnob, jobName, panelLinker, ratio } from './knobs.ts';

const SA = '/var/run/secrets/kubernetes.io/serviceaccount';

export const kubernetesSchema = z
  .object({
    /**
     * How a Prometheus outside the cluster (the compose stack) reaches the API server. With it,
     * cAdvisor (and kube-state-metrics given as `service`) are scraped through the API server's
     * proxy, so only the API server needs to be reachable. @default in-cluster (service account)
     */
    cluster: kubernetesApiSchema.optional(),
    kubeStateMetrics: z
      .object({
        /** @default 'kube-state-metrics' */
        job: jobName.default('kube-state-metrics'),
        /** @default ['kube-state-metrics:8080'] */
        targets: z.array(target).min(1).default(['kube-state-metrics:8080']),
        /** `namespace/service:port` of kube-state-metrics, scraped through `cluster`'s API server proxy instead of `targets`. */
        service: z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+:[a-z0-9-]+$/, 'is not namespace/service:port').optional(),
        /** Set to false when the job is defined elsewhere. @default true */
        ownJob: z.boolean().default(true),
        scrapeInterval: duration.optional(),
      })
      .strict()
      .prefault({}),
    cadvisor: z
      .object({
        /** @default 'cadvisor' */
        job: jobName.default('cadvisor'),
        /** Scrape every node's kubelet /metrics/cadvisor (HTTPS, service account token). @default true */
        ownJob: z.boolean().default(true),
        scrapeInterval: duration.optional(),
      })
      .strict()
      .prefault({}),
    /** `service` label of the alerts, also the rule group name. @default 'kubernetes' */
    component: z.string().regex(/^[a-zA-Z0-9_-]+$/, 'is not a usable component name').default('kubernetes'),
    /** Waiting reason CrashLoopBackOff seen within `window`. Defaults: critical (seed 003 pages on crash loops), for 15m, window 5m. */
    crashLooping: alertKnob({ name: 'KubePodCrashLooping', for: '15m', severity: 'critical' }, { window: duration.default('5m') }),
    /** Pending/Unknown, or Running but not ready; Job pods excluded. Defaults: warning, for 15m. */
    podNotReady: alertKnob({ name: 'KubePodNotReady', for: '15m', severity: 'warning' }, {}),
    /** A restart within `window` whose last termination reason is OOMKilled. Defaults: warning, for 1m, window 15m. */
    oomKilled: alertKnob({ name: 'KubeContainerOOMKilled', for: '1m', severity: 'warning' }, { window: duration.default('15m') }),
    /** CPU usage / CPU limit. Defaults: above 0.8 (seed 003), window 5m, warning, for 15m. */
    cpu: alertKnob({ name: 'KubeContainerCpuNearLimit', for: '15m', severity: 'warning' }, { above: ratio.default(0.8), window: duration.default('5m') }),
    /** Working set / memory limit. Defaults: above 0.85 (seed 003), warning, for 15m. */
    memory: alertKnob({ name: 'KubeContainerMemoryNearLimit', for: '15m', severity: 'warning' }, { above: ratio.default(0.85) }),
    /** Desired minus available replicas > 0 with no rollout progress in `window`. Defaults: warning, for 15m, window 10m. */
    replicasMismatch: alertKnob({ name: 'KubeDeploymentReplicasMismatch', for: '15m', severity: 'warning' }, { window: duration.default('10m') }),
    /** Generate the dashboard. @default true */
    dashboard: z.boolean().default(true),
  })
  .strict();

export type KubernetesProps = z.input<typeof kubernetesSchema>;
export type KubernetesConfig = z.output<typeof kubernetesSchema>;

export const kubernetes: (props: KubernetesProps) => Component<KubernetesConfig> = defineComponent('kubernetes', kubernetesSchema, (props, ctx) => {
  const out = emptyContribution();
  const ksm = props.kubeStateMetrics;
  const cad = props.cadvisor;
  const api = props.cluster;
  const p0 = ctx.path;
  if ((api?.kubeconfigFile || (api && !api.apiServer)) && ((cad.ownJob) || ksm.service)) {
    ctx.diag.error(`${p0}.cluster`, 'cluster-proxy-credentials', 'scraping through the API server proxy needs apiServer and a token or client certificate (a kubeconfig only serves discovery)', {
      hint: "give cluster: { apiServer: 'https://<api server>', bearerTokenFile: '/run/secrets/<token>', tls: { caFile: '/run/secrets/<ca>' } }",
    });
    return out;
  }
  if (ksm.service && !api) {
    ctx.diag.error(`${p0}.kubeStateMetrics.service`, 'cluster-proxy-credentials', 'kubeStateMetrics.service is reached through the API server proxy, which needs cluster', {
      hint: "give cluster: { apiServer, bearerTokenFile, tls: { caFile } }, or targets: ['host:8080'] instead of service",
    });
    return out;
  }
  if (ksm.ownJob) {
    if (ksm.service && api?.apiServer) {
      const [ns, rest] = ksm.service.split('/') as [string, string];
      const [svc, port] = rest.split(':') as [string, string];
      const job = toScrapeJob(
        { name: ksm.job, ...viaApiServer(api), targets: [apiHost(api.apiServer)], metricsPath: `/api/v1/namespaces/${ns}/services/${svc}:${port}/proxy/metrics`, scrapeInterval: ksm.scrapeInterval, exporter: 'kube_state_metrics' },
        `${ctx.path}.kubeStateMetrics`,
      );
      job.kubernetes = kubeStateMetricsMonitor(ns, svc, port);
      out.scrapeJobs.push(job);
    } else out.scrapeJobs.push(toScrapeJob({ name: ksm.job, targets: ksm.targets, scrapeInterval: ksm.scrapeInterval, exporter: 'kube_state_metrics' }, `${ctx.path}.kubeStateMetrics`));
  }
  if (cad.ownJob) {
    // In the cluster: each kubelet directly, with the pod's service account. Outside: the API
    // server's node proxy, with the given credentials (kubelets are rarely reachable from outside).
    const job: ScrapeJobProps = api?.apiServer
      ? {
          name: cad.job,
          kubernetesSd: { role: 'node', ...api },
          ...viaApiServer(api),
          relabel: [
            { action: 'labelmap', regex: '__meta_kubernetes_node_label_(.+)' },
            { targetLabel: '__address__', replacement: apiHost(api.apiServer) },
            { sourceLabels: ['__meta_kubernetes_node_name'], regex: '(.+)', targetLabel: '__metrics_path__', replacement: '/api/v1/nodes/$1/proxy/metrics/cadvisor' },
          ],
        }
      : {
          name: cad.job,
          kubernetesSd: { role: 'node' },
          scheme: 'https',
          metricsPath: '/metrics/cadvisor',
          bearerTokenFile: `${SA}/token`,
          tls: { caFile: `${SA}/ca.crt` },
          relabel: [{ action: 'labelmap', regex: '__meta_kubernetes_node_label_(.+)' }],
        };
    const built = toScrapeJob({ ...job, scrapeInterval: cad.scrapeInterval, exporter: 'kubelet_cadvisor' }, `${ctx.path}.cadvisor`);
    built.kubernetes = KUBELET_CADVISOR_MONITOR;
    out.scrapeJobs.push(built);
  }
  const uid = dashboardUid(ctx.stack.name, 'kubernetes', props.component);
  let panelIds: Map<string, number> | undefined;
  if (props.dashboard) {
    const d = kubernetesDashboard({
      uid, ksmJob: ksm.job, cadvisorJob: cad.job, component: props.component, stack: ctx.stack.name, datasource: ctx.datasource, source: ctx.path,
      ...(props.cpu ? { cpu: props.cpu.above } : {}),
      ...(props.memory ? { memory: props.memory.above } : {}),
    });
    out.dashboards.push(d.file);
    panelIds = d.panelIds;
  }
  const t: KubeTarget = { component: props.component, job: ksm.job, cadvisorJob: cad.job, runbookUrl: ctx.runbookUrl, panelUrl: panelLinker(ctx, uid, panelIds) };
  const p = ctx.path;
  const rules = [
    ...(props.crashLooping ? [crashLoopingAlert(t, props.crashLooping, `${p}.crashLooping`)] : []),
    ...(props.podNotReady ? [podNotReadyAlert(t, props.podNotReady, `${p}.podNotReady`)] : []),
    ...(props.oomKilled ? [oomKilledAlert(t, props.oomKilled, `${p}.oomKilled`)] : []),
    ...(props.cpu ? [cpuVsLimitAlert(t, props.cpu, `${p}.cpu`)] : []),
    ...(props.memory ? [memoryVsLimitAlert(t, props.memory, `${p}.memory`)] : []),
    ...(props.replicasMismatch ? [replicasMismatchAlert(t, props.replicasMismatch, `${p}.replicasMismatch`)] : []),
  ];
  if (rules.length) out.ruleGroups.push({ name: props.component, rules, source: p });
  return out;
});

/**
 * cAdvisor under prometheus-operator: the kubelet Service the operator maintains in
 * kube-system (`--kubelet-service`, on by default in kube-prometheus-stack), as kube-prometheus
 * scrapes it: https-metrics port, the Prometheus pod's service account, the kubelet's
 * self-signed serving certificate accepted, and the kubelet's namespace/pod/container labels kept.
 */
const KUBELET_CADVISOR_MONITOR: KubernetesScrape = {
  kind: 'ServiceMonitor',
  namespaces: ['kube-system'],
  selector: { 'app.kubernetes.io/name': 'kubelet' },
  port: 'https-metrics',
  path: '/metrics/cadvisor',
  scheme: 'https',
  serviceAccountAuth: true,
  insecureSkipVerify: true,
  honorLabels: true,
  relabel: [{ sourceLabels: ['__metrics_path__'], targetLabel: 'metrics_path', action: 'replace' }],
};

/** kube-state-metrics under prometheus-operator: its Service by name, its own namespace/pod labels kept. */
function kubeStateMetricsMonitor(namespace: string, service: string, port: string): KubernetesScrape {
  return {
    kind: 'ServiceMonitor',
    namespaces: [namespace],
    // A number in `service` is the port the pods serve on; a name, the Service's port name.
    ...(/^\d+$/.test(port) ? { targetPort: Number(port) } : { port }),
    honorLabels: true,
    relabel: [{ sourceLabels: ['__meta_kubernetes_service_name'], action: 'keep', regex: service }],
  };
}

/** `https://api.example.com` -> `api.example.com:443`: the scrape address of the API server. */
function apiHost(apiServer: string): string {
  const u = new URL(apiServer);
  return `${u.hostname}:${u.port || (u.protocol === 'https:' ? '443' : '80')}`;
}

/** Scrape settings of a job that goes through the API server: its scheme and credentials. */
function viaApiServer(api: KubernetesApiProps): Partial<ScrapeJobProps> {
  return {
    scheme: new URL(api.apiServer!).protocol === 'http:' ? 'http' : 'https',
    ...(api.bearerTokenFile ? { bearerTokenFile: api.bearerTokenFile } : {}),
    ...(api.tls ? { tls: api.tls } : {}),
  };
}

export interface KubernetesPodsJobOptions {
  /** @default 'kubernetes-pods' */
  name?: string;
  /** The API server and credentials, for a Prometheus outside the cluster. @default in-cluster discovery */
  cluster?: KubernetesApiProps;
  /** Namespaces to discover pods in. @default every namespace */
  namespaces?: string[];
  scrapeInterval?: string;
}

/**
 * The `prometheus.io/scrape` annotation job of the community Helm chart (kubernetes-pods):
 * pods annotated `prometheus.io/scrape: "true"` are scraped at `prometheus.io/port` and
 * `prometheus.io/path` with `prometheus.io/scheme`; `prometheus.io/scrape_slow` pods are
 * left to a slower job; pod labels, namespace and pod name become target labels; pods
 * that are not running are dropped. Put it in a stack's `scrapeJobs`.
 */
export function kubernetesPodsJob(options: KubernetesPodsJobOptions = {}): ScrapeJobProps {
  const a = (name: string) => `__meta_kubernetes_pod_annotation_prometheus_io_${name}`;
  return {
    name: options.name ?? 'kubernetes-pods',
    kubernetesSd: { role: 'pod', ...(options.namespaces ? { namespaces: options.namespaces } : {}), ...(options.cluster ?? {}) },
    ...(options.scrapeInterval ? { scrapeInterval: options.scrapeInterval } : {}),
    relabel: [
      { sourceLabels: [a('scrape')], action: 'keep', regex: 'true' },
      { sourceLabels: [a('scrape_slow')], action: 'drop', regex: 'true' },
      { sourceLabels: [a('scheme')], action: 'replace', regex: '(https?)', targetLabel: '__scheme__' },
      { sourceLabels: [a('path')], action: 'replace', regex: '(.+)', targetLabel: '__metrics_path__' },
      { sourceLabels: [a('port'), '__meta_kubernetes_pod_ip'], action: 'replace', regex: '(\\d+);((([0-9]+?)(\\.|$)){4})', replacement: '$2:$1', targetLabel: '__address__' },
      { sourceLabels: [a('port'), '__meta_kubernetes_pod_ip'], action: 'replace', regex: '(\\d+);(([A-Fa-f0-9]{1,4}::?){1,7}[A-Fa-f0-9]{1,4})', replacement: '[$2]:$1', targetLabel: '__address__' },
      { action: 'labelmap', regex: `${a('param')}_(.+)`, replacement: '__param_$1' },
      { action: 'labelmap', regex: '__meta_kubernetes_pod_label_(.+)' },
      { sourceLabels: ['__meta_kubernetes_namespace'], action: 'replace', targetLabel: 'namespace' },
      { sourceLabels: ['__meta_kubernetes_pod_name'], action: 'replace', targetLabel: 'pod' },
      { sourceLabels: ['__meta_kubernetes_pod_phase'], action: 'drop', regex: 'Pending|Succeeded|Failed|Completed' },
    ],
  };
}
