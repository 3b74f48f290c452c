/**
 * Kubernetes workload alerts over kube-state-metrics and cAdvisor (after the
 * kubernetes-mixin): crash looping, pods not ready, OOMKilled containers, container CPU
 * and memory against their limits, deployments short of replicas.
 */
import { formatNumber } from '../core/decimal.ts';
import { durationMs } from '../core/duration.ts';
import type { AlertRule, Labels } from '../core/model.ts';
import { seriesSelector } from './series.ts';
import { counter, fireAt, firingChecks, gauge, mixinAlert, quiet, sel, stepsFor, type AlertKnobs, type MixinTarget } from './rulekit.ts';

export const KUBERNETES_PANELS = {
  crashLooping: 'Containers crash looping',
  notReady: 'Pods not ready',
  restarts: 'Container restarts',
  cpu: 'CPU usage vs limit',
  memory: 'Memory working set vs limit',
  deployments: 'Deployments short of replicas',
} as const;

export interface KubeTarget extends MixinTarget {
  /** Job of kube-state-metrics (MixinTarget.job) and of the cAdvisor scrape. */
  cadvisorJob: string;
}

const KSM_INSTANCE = 'kube-state-metrics:8080';
const POD = { namespace: 'shop', pod: 'api-7d9f8' };

function ksm(t: KubeTarget, extra: Labels = {}): Labels {
  return { instance: KSM_INSTANCE, job: t.job, ...POD, ...extra };
}

export function crashLoopingAlert(t: KubeTarget, k: AlertKnobs & { window: string }, source: string): AlertRule {
  const m = 'kube_pod_container_status_waiting_reason';
  const at = fireAt(k.for, k.window);
  const n = stepsFor(at);
  const labels = ksm(t, { container: 'api', reason: 'CrashLoopBackOff' });
  return mixinAlert(t, k, {
    expr: `max_over_time(${m}{${sel(t.job, 'reason="CrashLoopBackOff"')}}[${k.window}]) >= 1`,
    summary: `${t.component}: a container is crash looping`,
    description: 'Container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} has been in CrashLoopBackOff for ' + k.for + '.',
    panel: KUBERNETES_PANELS.crashLooping,
    runbook: {
      meaning: 'The container keeps exiting and the kubelet keeps restarting it with a growing back-off (up to 5m). The waiting reason is used because the restart rate of a real crash loop becomes small.',
      impact: 'The pod serves nothing while it crash loops; with every replica looping the workload is down.',
      diagnosis: [
        { title: 'Restarts in the last hour', query: `increase(kube_pod_container_status_restarts_total{${sel(t.job)}}[1h]) > 0` },
        { title: 'Why the last run ended', query: `kube_pod_container_status_last_terminated_reason{${sel(t.job)}} == 1` },
      ],
      mitigation: ['kubectl logs --previous on the pod shows why the last run ended.', 'OOMKilled: raise the memory limit or fix the leak; Error: read the logs; a bad config or secret: fix and roll out.', 'Roll back the deployment if a new version started it.'],
    },
    tests: [
      { name: 'fires while the container is in CrashLoopBackOff', series: [gauge(m, labels, 1, n)], checks: firingChecks(k.for, at, [{ labels, value: 1 }]) },
      quiet('stays quiet for other waiting reasons', [gauge(m, { ...labels, reason: 'ContainerCreating' }, 1, n)], at),
      quiet('stays quiet after a short crash loop that recovered', [{ series: seriesSelector(m, labels), values: `1x3 _x${n}` }], at),
    ],
  }, source);
}

export function podNotReadyAlert(t: KubeTarget, k: AlertKnobs, source: string): AlertRule {
  const s = sel(t.job);
  const expr =
    `(\n  max by (namespace, pod) (kube_pod_status_phase{${s},phase=~"Pending|Unknown"}) == 1\n  or\n  (\n` +
    `    max by (namespace, pod) (kube_pod_status_ready{${s},condition="false"}) == 1\n    and on (namespace, pod)\n` +
    `    max by (namespace, pod) (kube_pod_status_phase{${s},phase="Running"}) == 1\n  )\n)\n` +
    `unless on (namespace, pod)\nmax by (namespace, pod) (kube_pod_owner{${s},owner_kind="Job"})`;
  const at = fireAt(k.for);
  const n = stepsFor(at);
  const pod = (name: string, phase: string, ready: 'true' | 'false' | undefined, owner: string) => {
    const l = { instance: KSM_INSTANCE, job: t.job, namespace: 'shop', pod: name };
    return [
      gauge('kube_pod_status_phase', { ...l, phase }, 1, n),
      ...(ready ? [gauge('kube_pod_status_ready', { ...l, condition: ready }, 1, n)] : []),
      gauge('kube_pod_owner', { ...l, owner_kind: owner, owner_name: `${name}-owner` }, 1, n),
    ];
  };
  return mixinAlert(t, k, {
    expr,
    summary: `${t.component}: a pod is not ready`,
    description: `Pod {{ $labels.namespace }}/{{ $labels.pod }} has been pending or not ready for more than ${k.for}.`,
    panel: KUBERNETES_PANELS.notReady,
    runbook: {
      meaning: 'A pod has been Pending or Unknown, or Running without passing its readiness probe. Pods of Jobs are left out.',
      impact: 'The pod receives no traffic: the workload runs with less capacity, or not at all.',
      diagnosis: [
        { title: 'Phase of the pod', query: `kube_pod_status_phase{${s}} == 1` },
        { title: 'Containers waiting and why', query: `kube_pod_container_status_waiting_reason{${s}} == 1` },
      ],
      mitigation: ['kubectl describe pod: scheduling failures (resources, taints, volumes) show in events.', 'A failing readiness probe: check the probe and the dependencies it checks.'],
    },
    tests: [
      {
        name: 'fires for a pending pod and a running pod that is not ready',
        series: [...pod('api-1', 'Running', 'false', 'ReplicaSet'), ...pod('api-2', 'Pending', undefined, 'ReplicaSet')],
        checks: firingChecks(k.for, at, [
          { labels: { namespace: 'shop', pod: 'api-1' }, value: 1 },
          { labels: { namespace: 'shop', pod: 'api-2' }, value: 1 },
        ]),
      },
      quiet('stays quiet for a ready pod', pod('api-3', 'Running', 'true', 'ReplicaSet'), at),
      quiet('stays quiet for a pending pod of a Job', pod('batch-1', 'Pending', undefined, 'Job'), at),
      quiet('stays quiet for a completed pod', pod('init-1', 'Succeeded', 'false', 'ReplicaSet'), at),
    ],
  }, source);
}

export function oomKilledAlert(t: KubeTarget, k: AlertKnobs & { window: string }, source: string): AlertRule {
  const s = sel(t.job);
  const expr =
    `(sum by (namespace, pod, container) (increase(kube_pod_container_status_restarts_total{${s}}[${k.window}])) > 0)\nand on (namespace, pod, container)\n` +
    `(max by (namespace, pod, container) (kube_pod_container_status_last_terminated_reason{${s},reason="OOMKilled"}) == 1)`;
  const restartAt = Math.max(2, Math.ceil(durationMs(k.for) / 60_000));
  const atMin = Math.ceil(durationMs(k.window) / 60_000) + 1;
  // The restart is inside the window and the window starts at a sample: increase() is exactly 1.
  const at = `${Math.max(atMin, restartAt + Math.ceil(durationMs(k.for) / 60_000) + 2)}m`;
  const n = stepsFor(at);
  const c = ksm(t, { container: 'api' });
  const restarts = (values: string) => ({ series: seriesSelector('kube_pod_container_status_restarts_total', c), values });
  const reason = (r: string) => gauge('kube_pod_container_status_last_terminated_reason', { ...c, reason: r }, 1, n);
  const restartOnce = `0x${restartAt} 1x${n}`;
  return mixinAlert(t, k, {
    expr,
    summary: `${t.component}: a container was OOMKilled`,
    description: `Container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} was killed for exceeding its memory limit and restarted {{ $value }} time(s) in the last ${k.window}.`,
    panel: KUBERNETES_PANELS.restarts,
    runbook: {
      meaning: 'The kernel killed the container because it used more memory than its limit; the kubelet restarted it.',
      impact: 'In-flight requests of the container failed; repeated kills become a crash loop.',
      diagnosis: [
        { title: 'Working set vs limit', query: `max by (namespace, pod, container) (container_memory_working_set_bytes{${sel(t.cadvisorJob)},container!=""})` },
        { title: 'Memory limits', query: `kube_pod_container_resource_limits{${s},resource="memory"}` },
      ],
      mitigation: ['Raise the memory limit if the usage is legitimate.', 'Look for a leak or an unbounded cache (heap profile) if usage grows without bound.'],
    },
    tests: [
      { name: 'fires after an OOMKilled restart', series: [restarts(restartOnce), reason('OOMKilled')], checks: [{ at, firing: [{ labels: { container: 'api', namespace: POD.namespace, pod: POD.pod }, value: 1 }] }] },
      quiet('stays quiet when the restart was not an OOM kill', [restarts(restartOnce), reason('Error')], at),
      quiet('stays quiet for an old OOM kill with no restart in the window', [restarts(`1x${n}`), reason('OOMKilled')], at),
    ],
  }, source);
}

export function cpuVsLimitAlert(t: KubeTarget, k: AlertKnobs & { above: number; window: string }, source: string): AlertRule {
  const cad = sel(t.cadvisorJob, 'container!=""', 'container!="POD"');
  const expr =
    `sum by (namespace, pod, container) (rate(container_cpu_usage_seconds_total{${cad}}[${k.window}]))\n  / on (namespace, pod, container)\n` +
    `(sum by (namespace, pod, container) (kube_pod_container_resource_limits{${sel(t.job, 'resource="cpu"')}}) > 0)\n> ${formatNumber(k.above)}`;
  const at = fireAt(k.for, k.window);
  const n = stepsFor(at);
  const wMin = durationMs(k.window) / 60_000;
  // Usage in hundredths of a core per second, so the per-minute increment is an integer.
  const hundredths = Math.min(100, Math.ceil(((1 + k.above) / 2) * 100));
  const perMinute = (hundredths * 60) / 100;
  const usage = (container: string, perMin: number) => ({ series: seriesSelector('container_cpu_usage_seconds_total', { container, instance: 'node-1', job: t.cadvisorJob, ...POD }), values: `0+${perMin}x${n}` });
  const limit = gauge('kube_pod_container_resource_limits', ksm(t, { container: 'api', resource: 'cpu', unit: 'core' }), 1, n);
  const value = (perMinute * wMin) / (wMin * 60) / 1;
  return mixinAlert(t, k, {
    expr,
    summary: `${t.component}: a container uses more than ${formatNumber(k.above * 100)}% of its CPU limit`,
    description: `Container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} uses {{ $value | humanizePercentage }} of its CPU limit.`,
    panel: KUBERNETES_PANELS.cpu,
    runbook: {
      meaning: `The container has used more than ${formatNumber(k.above * 100)}% of its CPU limit for ${k.for}; at the limit it is throttled.`,
      impact: 'Throttled containers answer slowly; latency grows.',
      diagnosis: [
        { title: 'Throttled share of CFS periods', query: `sum by (namespace, pod, container) (rate(container_cpu_cfs_throttled_periods_total{${cad}}[5m])) / sum by (namespace, pod, container) (rate(container_cpu_cfs_periods_total{${cad}}[5m]))` },
        { title: 'CPU requests and limits', query: `kube_pod_container_resource_limits{${sel(t.job, 'resource="cpu"')}}` },
      ],
      mitigation: ['Raise the CPU limit, or scale out (HPA) if load grew.', 'Profile the service if usage rose without more traffic.'],
    },
    tests: [
      { name: `fires at ${hundredths}% of the limit`, series: [usage('api', perMinute), limit], checks: firingChecks(k.for, at, [{ labels: { container: 'api', ...POD }, value }]) },
      quiet('stays quiet under the threshold', [usage('api', 6), limit], at),
      quiet('stays quiet for a container without a CPU limit', [usage('api', perMinute)], at),
      quiet('stays quiet for the pod-level cgroup series (container="")', [usage('', perMinute), gauge('kube_pod_container_resource_limits', ksm(t, { container: '', resource: 'cpu', unit: 'core' }), 1, n)], at),
    ],
  }, source);
}

export function memoryVsLimitAlert(t: KubeTarget, k: AlertKnobs & { above: number }, source: string): AlertRule {
  const cad = sel(t.cadvisorJob, 'container!=""', 'container!="POD"');
  const expr =
    `max by (namespace, pod, container) (container_memory_working_set_bytes{${cad}})\n  / on (namespace, pod, container)\n` +
    `(max by (namespace, pod, container) (kube_pod_container_resource_limits{${sel(t.job, 'resource="memory"')}}) > 0)\n> ${formatNumber(k.above)}`;
  const at = fireAt(k.for);
  const n = stepsFor(at);
  const LIMIT = 512 * 1024 * 1024;
  const high = Math.round(LIMIT * ((1 + k.above) / 2));
  const ws = (container: string, v: number) => gauge('container_memory_working_set_bytes', { container, instance: 'node-1', job: t.cadvisorJob, ...POD }, v, n);
  const limit = gauge('kube_pod_container_resource_limits', ksm(t, { container: 'api', resource: 'memory', unit: 'byte' }), LIMIT, n);
  return mixinAlert(t, k, {
    expr,
    summary: `${t.component}: a container uses more than ${formatNumber(k.above * 100)}% of its memory limit`,
    description: 'Container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} uses {{ $value | humanizePercentage }} of its memory limit.',
    panel: KUBERNETES_PANELS.memory,
    runbook: {
      meaning: `The container's working set has been above ${formatNumber(k.above * 100)}% of its memory limit for ${k.for}. At the limit the kernel OOM-kills it.`,
      impact: 'An OOM kill is near: in-flight requests would fail and the container restart.',
      diagnosis: [{ title: 'Working set over time', query: `container_memory_working_set_bytes{${cad}}` }],
      mitigation: ['Raise the memory limit if the usage is legitimate.', 'Look for a leak or an unbounded cache.'],
    },
    tests: [
      { name: 'fires near the memory limit', series: [ws('api', high), limit], checks: firingChecks(k.for, at, [{ labels: { container: 'api', ...POD }, value: high / LIMIT }]) },
      quiet('stays quiet with room left', [ws('api', Math.round(LIMIT * k.above * 0.5)), limit], at),
      quiet('stays quiet for a container without a memory limit', [ws('api', high)], at),
    ],
  }, source);
}

export function replicasMismatchAlert(t: KubeTarget, k: AlertKnobs & { window: string }, source: string): AlertRule {
  const s = sel(t.job);
  const expr =
    `(kube_deployment_spec_replicas{${s}} - kube_deployment_status_replicas_available{${s}}) > 0\nand on (namespace, deployment)\n` +
    `changes(kube_deployment_status_replicas_updated{${s}}[${k.window}]) == 0`;
  const at = fireAt(k.for, k.window);
  const n = stepsFor(at);
  const d = { deployment: 'api', instance: KSM_INSTANCE, job: t.job, namespace: 'shop' };
  const series = (spec: number, available: number, updated: string) => [
    gauge('kube_deployment_spec_replicas', d, spec, n),
    gauge('kube_deployment_status_replicas_available', d, available, n),
    { series: seriesSelector('kube_deployment_status_replicas_updated', d), values: updated },
  ];
  return mixinAlert(t, k, {
    expr,
    summary: `${t.component}: a deployment is short of replicas`,
    description: `Deployment {{ $labels.namespace }}/{{ $labels.deployment }} has {{ $value }} replica(s) fewer available than desired, with no rollout progress for ${k.window}.`,
    panel: KUBERNETES_PANELS.deployments,
    runbook: {
      meaning: `Fewer replicas are available than the spec asks for, and no rollout is progressing (updated replicas unchanged for ${k.window}).`,
      impact: 'The workload runs with less capacity than planned; with zero available it is down.',
      diagnosis: [
        { title: 'Desired vs available', query: `kube_deployment_spec_replicas{${s}} - kube_deployment_status_replicas_available{${s}}` },
        { title: 'Pods not ready', query: `kube_pod_status_ready{${s},condition="false"} == 1` },
      ],
      mitigation: ['kubectl describe deployment / replicaset: look for quota, scheduling or image pull failures.', 'Check the pods for crash loops and failing readiness probes.'],
    },
    tests: [
      { name: 'fires when replicas stay unavailable', series: series(3, 1, `3x${n}`), checks: firingChecks(k.for, at, [{ labels: d, value: 2 }]) },
      quiet('stays quiet while a rollout progresses', series(3, 1, `0+1x${n}`), at),
      quiet('stays quiet when every replica is available', series(3, 3, `3x${n}`), at),
    ],
  }, source);
}
