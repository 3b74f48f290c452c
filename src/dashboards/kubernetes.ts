/** The Kubernetes workloads dashboard: crash loops, readiness, restarts, CPU and memory vs limits, deployments. */
import type { DatasourceRef } from '../core/component.ts';
import { KUBERNETES_PANELS } from '../alerts/kubernetes.ts';
import { mixinBoard } from './mixinboard.ts';

export function kubernetesDashboard(p: { uid: string; ksmJob: string; cadvisorJob: string; component: string; stack: string; datasource: DatasourceRef; cpu?: number; memory?: number; source: string }) {
  const k = `job=${JSON.stringify(p.ksmJob)},namespace=~"$namespace"`;
  const c = `job=${JSON.stringify(p.cadvisorJob)},namespace=~"$namespace",container!="",container!="POD"`;
  return mixinBoard({
    uid: p.uid, title: `${p.component} / Kubernetes workloads`, tags: ['kubernetes'], stack: p.stack, folder: p.stack, datasource: p.datasource, source: p.source,
    variables: [{ name: 'namespace', label: 'Namespace', query: `label_values(kube_pod_info{job=${JSON.stringify(p.ksmJob)}}, namespace)` }],
    rows: [
      {
        title: 'Pods',
        panels: [
          { title: KUBERNETES_PANELS.crashLooping, kind: 'table', unit: 'short', queries: [{ expr: `max by (namespace, pod, container) (kube_pod_container_status_waiting_reason{${k},reason="CrashLoopBackOff"}) == 1` }] },
          { title: KUBERNETES_PANELS.notReady, kind: 'table', unit: 'short', queries: [{ expr: `max by (namespace, pod) (kube_pod_status_ready{${k},condition="false"}) == 1` }] },
          { title: KUBERNETES_PANELS.restarts, kind: 'timeseries', unit: 'short', queries: [{ expr: `sum by (namespace, pod, container) (increase(kube_pod_container_status_restarts_total{${k}}[$__rate_interval])) > 0`, legend: '{{namespace}}/{{pod}} {{container}}' }] },
          { title: KUBERNETES_PANELS.deployments, kind: 'table', unit: 'short', queries: [{ expr: `(kube_deployment_spec_replicas{${k}} - kube_deployment_status_replicas_available{${k}}) > 0` }] },
        ],
      },
      {
        title: 'Resources',
        panels: [
          {
            title: KUBERNETES_PANELS.cpu, kind: 'timeseries', unit: 'percentunit', min: 0, thresholds: p.cpu !== undefined ? [{ value: p.cpu, color: 'orange' }] : undefined,
            queries: [{ expr: `sum by (namespace, pod, container) (rate(container_cpu_usage_seconds_total{${c}}[$__rate_interval])) / on (namespace, pod, container) (sum by (namespace, pod, container) (kube_pod_container_resource_limits{${k},resource="cpu"}) > 0)`, legend: '{{namespace}}/{{pod}} {{container}}' }],
          },
          {
            title: KUBERNETES_PANELS.memory, kind: 'timeseries', unit: 'percentunit', min: 0, thresholds: p.memory !== undefined ? [{ value: p.memory, color: 'orange' }] : undefined,
            queries: [{ expr: `max by (namespace, pod, container) (container_memory_working_set_bytes{${c}}) / on (namespace, pod, container) (max by (namespace, pod, container) (kube_pod_container_resource_limits{${k},resource="memory"}) > 0)`, legend: '{{namespace}}/{{pod}} {{container}}' }],
          },
        ],
      },
    ],
  });
}
