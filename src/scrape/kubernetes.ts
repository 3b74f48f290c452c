/**
 * A scrape job's form under prometheus-operator (the kubernetes build target): which object
 * scrapes it in the cluster. Explicit `kubernetes` forms (a stack's, or a mixin's such as the
 * kubelet's) win; otherwise the job's discovery says it:
 * - kubernetesSd role pod: a PodMonitor; role endpoints: a ServiceMonitor; both select every
 *   pod or Service of the job's namespaces and keep the job's relabel rules (which already
 *   filter in Kubernetes meta labels), discovery in-cluster (the apiServer is compose's way in);
 * - other roles (node, service, ingress, endpointslice): a ScrapeConfig with in-cluster discovery;
 * - a blackbox_exporter job: a Probe;
 * - static targets: a ScrapeConfig with static_configs (or an error, by the stack's choice);
 * - file_sd: no form (the files live beside compose's Prometheus).
 */
import type { KubernetesScrape, RelabelConfig, ScrapeJob } from '../core/model.ts';
import { BLACKBOX_EXPORTER } from './catalog/blackbox.ts';

export type KubernetesForm =
  | { kind: 'ServiceMonitor' | 'PodMonitor'; scrape: KubernetesScrape }
  | { kind: 'Probe'; proberUrl: string; module: string; targets: string[]; labels?: Record<string, string>; relabel: RelabelConfig[] }
  | {
      kind: 'ScrapeConfig';
      staticConfigs?: { targets: string[]; labels?: Record<string, string> }[];
      kubernetesSd?: { role: string; namespaces?: string[] }[];
      relabel: RelabelConfig[];
    }
  | { kind: 'none'; reason: string; hint: string };

/** The three relabel rules a blackbox job uses to send its targets through the exporter. */
function blackboxParts(job: ScrapeJob): { prober: string; rest: RelabelConfig[] } | undefined {
  const rules = job.relabelConfigs ?? [];
  const address = rules.filter((r) => r.targetLabel === '__address__' && !r.sourceLabels?.length && r.replacement && !r.replacement.includes('$'));
  if (address.length !== 1) return undefined;
  const plumbing = (r: RelabelConfig) =>
    r === address[0] ||
    (r.targetLabel === '__param_target' && r.sourceLabels?.join() === '__address__') ||
    (r.targetLabel === 'instance' && r.sourceLabels?.join() === '__param_target');
  return { prober: address[0]!.replacement!, rest: rules.filter((r) => !plumbing(r)) };
}

export function kubernetesForm(job: ScrapeJob, staticJobs: 'scrapeConfig' | 'error'): KubernetesForm {
  if (job.kubernetes) return { kind: job.kubernetes.kind, scrape: job.kubernetes };
  const relabel = job.relabelConfigs ?? [];
  const sd = job.kubernetesSdConfigs?.[0];
  if (sd) {
    const namespaces = sd.namespaces;
    if (sd.role === 'pod' || sd.role === 'endpoints') {
      return {
        kind: sd.role === 'pod' ? 'PodMonitor' : 'ServiceMonitor',
        scrape: {
          kind: sd.role === 'pod' ? 'PodMonitor' : 'ServiceMonitor',
          namespaces: namespaces ?? 'any',
          relabel,
          ...(job.metricsPath ? { path: job.metricsPath } : {}),
          ...(job.scheme ? { scheme: job.scheme } : {}),
          ...(job.honorLabels !== undefined ? { honorLabels: job.honorLabels } : {}),
        },
      };
    }
    return { kind: 'ScrapeConfig', kubernetesSd: (job.kubernetesSdConfigs ?? []).map((k) => ({ role: k.role, ...(k.namespaces ? { namespaces: k.namespaces } : {}) })), relabel };
  }
  if (job.exporter === BLACKBOX_EXPORTER && job.staticConfigs?.length) {
    const parts = blackboxParts(job);
    const modules = job.params?.module ?? [];
    if (parts && modules.length === 1) {
      const labels = job.staticConfigs[0]?.labels;
      return { kind: 'Probe', proberUrl: parts.prober, module: modules[0]!, targets: job.staticConfigs.flatMap((s) => s.targets), ...(labels ? { labels } : {}), relabel: parts.rest };
    }
  }
  if (job.staticConfigs?.length) {
    if (staticJobs === 'error') {
      return {
        kind: 'none',
        reason: `scrape job ${JSON.stringify(job.name)} has static targets (${job.staticConfigs.flatMap((s) => s.targets).join(', ')}) and no Kubernetes form, and kubernetes.staticJobs is 'error'`,
        hint: "give the job kubernetes: { kind: 'ServiceMonitor', namespaces: [...], selector: {...}, port: '<port name>' } when it runs in the cluster, or set kubernetes.staticJobs: 'scrapeConfig' to scrape the static targets from the cluster",
      };
    }
    return { kind: 'ScrapeConfig', staticConfigs: job.staticConfigs, relabel };
  }
  return {
    kind: 'none',
    reason: `scrape job ${JSON.stringify(job.name)} discovers targets from files (fileSd), which live beside the compose Prometheus, not in the cluster`,
    hint: "give the job kubernetes: { kind: 'ServiceMonitor' | 'PodMonitor', namespaces: [...], selector: {...}, port: '<port name>' }, or leave 'kubernetes' out of the stack's targets",
  };
}
