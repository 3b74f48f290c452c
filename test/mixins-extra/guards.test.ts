/**
 * Fine-grained checks of the mixins-extra mixins: defaults (seed 003 thresholds),
 * guards in the expressions (traffic, zero denominators, Job pods, pod-level cgroups,
 * rollouts), knobs overriding in one place, `false` turning alerts off, schema errors
 * with paths, inhibit rules and the Kubernetes pods discovery job.
 */
import { describe, expect, it } from 'vitest';
import { haproxy } from '../../src/mixins/haproxy.ts';
import { ingressNginx, nginx } from '../../src/mixins/nginx.ts';
import { kubernetes, kubernetesPodsJob, kubernetesSchema } from '../../src/mixins/kubernetes.ts';
import { gpu } from '../../src/mixins/gpu.ts';
import { logShipper, loki } from '../../src/mixins/logging.ts';
import { probes } from '../../src/mixins/probes.ts';
import { scrapeJobSchema } from '../../src/scrape/schema.ts';
import { scrapeConfigYaml, toScrapeJob } from '../../src/scrape/jobs.ts';
import { alertsOf, diagnosticsOf, synthMixin } from './helpers.ts';

const alertMap = (b: ReturnType<typeof synthMixin>) => Object.fromEntries(alertsOf(b.ruleGroups).map((a) => [a.name, a]));
const scenarioNames = (a: { tests: { name: string }[] }) => a.tests.map((t) => t.name);

describe('haproxy', () => {
  const a = alertMap(synthMixin(haproxy({ targets: ['haproxy:8404'] })));

  it('counts backup servers as live', () => {
    expect(a.HaproxyBackendNoLiveServers!.expr).toBe('haproxy_backend_active_servers{job="haproxy"} + haproxy_backend_backup_servers{job="haproxy"} == 0');
    expect(a.HaproxyBackendNoLiveServers).toMatchObject({ for: '1m', labels: { severity: 'critical', service: 'haproxy' } });
    expect(scenarioNames(a.HaproxyBackendNoLiveServers!)).toContain('stays quiet while a backup server is up');
  });

  it('guards the 5xx ratio with a minimum response rate in the denominator', () => {
    const e = a.HaproxyBackendHighErrorRate!.expr;
    expect(e).toContain('(sum by (job, proxy) (rate(haproxy_backend_http_responses_total{job="haproxy"}[5m])) > 1)');
    expect(e).toMatch(/code="5xx"/);
    expect(e).toMatch(/> 0\.05$/);
    expect(scenarioNames(a.HaproxyBackendHighErrorRate!)).toEqual([
      'fires when 10 of 100 responses/s are 5xx',
      'stays quiet below the threshold',
      'stays quiet with no traffic',
      'stays quiet under the minimum traffic even when every response fails',
    ]);
  });

  it('overrides knobs in one place and turns alerts off with false', () => {
    const b = alertMap(synthMixin(haproxy({ targets: ['lb:8404'], job: 'edge', errorRatio: { above: 0.02, minRate: 5, window: '10m', name: 'EdgeErrors' }, queue: false, backendDown: { proxyExclude: 'stats' } })));
    expect(Object.keys(b).sort()).toEqual(['EdgeErrors', 'HaproxyBackendNoLiveServers']);
    expect(b.EdgeErrors!.expr).toContain('[10m])) > 5)');
    expect(b.EdgeErrors!.expr).toMatch(/> 0\.02$/);
    expect(b.EdgeErrors!.annotations.summary).toBe('haproxy: more than 2% of a backend\'s responses are 5xx');
    expect(b.HaproxyBackendNoLiveServers!.expr).toContain('{job="edge",proxy!~"stats"}');
  });

  it('needs targets unless the job is defined elsewhere', () => {
    expect(diagnosticsOf(haproxy({}))).toContainEqual(expect.objectContaining({ path: 'mixins[0].targets', code: 'no-targets' }));
    const b = synthMixin(haproxy({ ownJob: false, job: 'lb' }));
    expect(b.scrapeJobs.map((j) => j.name)).not.toContain('lb');
  });
});

describe('nginx and ingress-nginx', () => {
  it('stub_status gives no error ratio; dropped connections = accepted - handled', () => {
    const a = alertMap(synthMixin(nginx({ targets: ['nginx:9113'] })));
    expect(Object.keys(a).sort()).toEqual(['NginxDown', 'NginxDroppedConnections']);
    expect(a.NginxDroppedConnections!.expr).toBe(
      'sum by (job, instance) (rate(nginx_connections_accepted{job="nginx"}[5m]))\n- sum by (job, instance) (rate(nginx_connections_handled{job="nginx"}[5m]))\n> 0',
    );
  });

  it('ingress 5xx ratio is per ingress and traffic-guarded', () => {
    const a = alertMap(synthMixin(ingressNginx({ targets: ['ingress:10254'] })));
    const e = a.IngressHighErrorRate!.expr;
    expect(e).toContain('sum by (namespace, ingress) (rate(nginx_ingress_controller_requests{job="ingress-nginx",status=~"5.."}[5m]))');
    expect(e).toContain('(sum by (namespace, ingress) (rate(nginx_ingress_controller_requests{job="ingress-nginx"}[5m])) > 1)');
    expect(a.IngressHighErrorRate!.annotations.description).toContain('{{ $labels.namespace }}/{{ $labels.ingress }}');
  });
});

describe('kubernetes', () => {
  const b = synthMixin(kubernetes({ kubeStateMetrics: { targets: ['kube-state-metrics.example.com:8080'] } }));
  const a = alertMap(b);

  it('uses the seed 003 thresholds: crash loop pages, CPU > 80% and memory > 85% warn', () => {
    expect(a.KubePodCrashLooping).toMatchObject({ for: '15m', labels: { severity: 'critical' } });
    expect(a.KubeContainerCpuNearLimit!.expr).toMatch(/> 0\.8$/);
    expect(a.KubeContainerCpuNearLimit!.labels.severity).toBe('warning');
    expect(a.KubeContainerMemoryNearLimit!.expr).toMatch(/> 0\.85$/);
    expect(a.KubeContainerMemoryNearLimit!.labels.severity).toBe('warning');
  });

  it('keys crash loops on the waiting reason, smoothed over the back-off', () => {
    expect(a.KubePodCrashLooping!.expr).toBe('max_over_time(kube_pod_container_status_waiting_reason{job="kube-state-metrics",reason="CrashLoopBackOff"}[5m]) >= 1');
  });

  it('leaves Job pods and completed pods out of not-ready', () => {
    const e = a.KubePodNotReady!.expr;
    expect(e).toMatch(/unless on \(namespace, pod\)\nmax by \(namespace, pod\) \(kube_pod_owner\{job="kube-state-metrics",owner_kind="Job"\}\)$/);
    expect(e).toContain('kube_pod_status_phase{job="kube-state-metrics",phase="Running"}');
    expect(scenarioNames(a.KubePodNotReady!)).toEqual(expect.arrayContaining(['stays quiet for a pending pod of a Job', 'stays quiet for a completed pod']));
  });

  it('OOMKilled needs a restart in the window, counter-safe', () => {
    const e = a.KubeContainerOOMKilled!.expr;
    expect(e).toContain('increase(kube_pod_container_status_restarts_total{job="kube-state-metrics"}[15m])');
    expect(e).toContain('reason="OOMKilled"');
    expect(scenarioNames(a.KubeContainerOOMKilled!)).toContain('stays quiet for an old OOM kill with no restart in the window');
  });

  it('divides by limits only where a limit is set, and skips pod-level cgroups', () => {
    const cpu = a.KubeContainerCpuNearLimit!.expr;
    expect(cpu).toContain('container_cpu_usage_seconds_total{job="cadvisor",container!="",container!="POD"}');
    expect(cpu).toContain('kube_pod_container_resource_limits{job="kube-state-metrics",resource="cpu"}) > 0)');
    expect(a.KubeContainerMemoryNearLimit!.expr).toContain('resource="memory"}) > 0)');
    expect(scenarioNames(a.KubeContainerCpuNearLimit!)).toEqual(expect.arrayContaining(['stays quiet for a container without a CPU limit', 'stays quiet for the pod-level cgroup series (container="")']));
  });

  it('does not call a progressing rollout a mismatch', () => {
    expect(a.KubeDeploymentReplicasMismatch!.expr).toContain('changes(kube_deployment_status_replicas_updated{job="kube-state-metrics"}[10m]) == 0');
    expect(scenarioNames(a.KubeDeploymentReplicasMismatch!)).toContain('stays quiet while a rollout progresses');
  });

  it('scrapes kube-state-metrics statically and cAdvisor through node discovery with the service account', () => {
    const jobs = Object.fromEntries(b.scrapeJobs.map((j) => [j.name, j]));
    expect(jobs['kube-state-metrics']?.staticConfigs).toEqual([{ targets: ['kube-state-metrics.example.com:8080'] }]);
    expect(kubernetesSchema.parse({}).kubeStateMetrics.targets).toEqual(['kube-state-metrics:8080']);
    expect(jobs.cadvisor).toMatchObject({
      kubernetesSdConfigs: [{ role: 'node' }],
      scheme: 'https',
      metricsPath: '/metrics/cadvisor',
      bearerTokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token',
      tls: { caFile: '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt' },
    });
  });

  it('reports bad knobs with their path', () => {
    const d = diagnosticsOf(kubernetes({ cpu: { above: 1.5 }, memory: { abvoe: 0.9 } as never, crashLooping: { for: '15 minutes' } }));
    expect(d).toContainEqual(expect.objectContaining({ path: 'mixins[0].cpu.above', code: 'schema' }));
    expect(d).toContainEqual(expect.objectContaining({ path: 'mixins[0].crashLooping.for', code: 'schema' }));
    expect(d).toContainEqual(expect.objectContaining({ path: 'mixins[0].memory.abvoe', message: 'unknown key "abvoe" in mixins[0].memory; did you mean "above"?' }));
  });
});

describe('kubernetesPodsJob', () => {
  const job = kubernetesPodsJob({ namespaces: ['shop'] });

  it('is a valid scrape job with the community prometheus.io relabel rules', () => {
    expect(scrapeJobSchema.safeParse(job).success).toBe(true);
    const yaml = scrapeConfigYaml(toScrapeJob(job, 'scrapeJobs[0]'), '15s');
    expect(yaml.kubernetes_sd_configs).toEqual([{ role: 'pod', namespaces: { names: ['shop'] } }]);
    const relabel = yaml.relabel_configs as Record<string, unknown>[];
    expect(relabel[0]).toEqual({ source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_scrape'], regex: 'true', action: 'keep' });
    expect(relabel).toContainEqual({ source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_path'], regex: '(.+)', target_label: '__metrics_path__', action: 'replace' });
    expect(relabel).toContainEqual({ source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_port', '__meta_kubernetes_pod_ip'], regex: '(\\d+);((([0-9]+?)(\\.|$)){4})', target_label: '__address__', replacement: '$2:$1', action: 'replace' });
    expect(relabel.at(-1)).toEqual({ source_labels: ['__meta_kubernetes_pod_phase'], regex: 'Pending|Succeeded|Failed|Completed', action: 'drop' });
  });

  it('rewrites the address from the port annotation and the pod IP', () => {
    const rule = job.relabel!.find((r) => r.targetLabel === '__address__' && r.replacement === '$2:$1')!;
    const re = new RegExp(`^(?:${rule.regex})$`);
    expect('8080;10.1.2.3'.replace(re, '$2:$1')).toBe('10.1.2.3:8080');
    expect(re.test(';10.1.2.3')).toBe(false);
  });
});

describe('gpu', () => {
  const a = alertMap(synthMixin(gpu({ targets: ['dcgm:9400'] })));

  it('guards the framebuffer ratio and reads MiB values as a ratio', () => {
    expect(a.GpuFramebufferNearlyFull!.expr).toBe('DCGM_FI_DEV_FB_USED{job="dcgm-exporter"}\n  /\n(DCGM_FI_DEV_FB_USED{job="dcgm-exporter"} + DCGM_FI_DEV_FB_FREE{job="dcgm-exporter"} > 0)\n> 0.95');
  });

  it('has warning and critical temperature and XID alerts, the critical inhibiting the warning per GPU', () => {
    expect(a.GpuTemperatureHigh!.expr).toMatch(/> 85$/);
    expect(a.GpuTemperatureCritical!.expr).toMatch(/> 90$/);
    expect(a.GpuXidErrorCritical!.expr).toBe('DCGM_FI_DEV_XID_ERRORS{job="dcgm-exporter",err_code=~"48|63|64|74|79|92|94|95|119|120|140"} > 0');
    expect(scenarioNames(a.GpuXidErrorCritical!)).toContain('stays quiet for an application XID (13)');
    const inhibit = synthMixin(gpu({ targets: ['dcgm:9400'] })).inhibitRules.filter((r) => r.source.startsWith('mixins[0]'));
    expect(inhibit.map((r) => [r.sourceMatchers[0]!.value, r.targetMatchers[0]!.value, r.equal])).toEqual([
      ['GpuTemperatureCritical', 'GpuTemperatureHigh', ['instance', 'gpu']],
      ['GpuXidErrorCritical', 'GpuXidError', ['instance', 'gpu']],
    ]);
  });

  it('idle GPUs are info and can be restricted to GPUs pods hold', () => {
    expect(a.GpuIdle).toMatchObject({ for: '6h', labels: { severity: 'info' } });
    const b = alertMap(synthMixin(gpu({ targets: ['dcgm:9400'], idle: { onlyAllocated: true } })));
    expect(b.GpuIdle!.expr).toBe('avg_over_time(DCGM_FI_DEV_GPU_UTIL{job="dcgm-exporter",pod!=""}[1h]) < 5');
  });
});

describe('logging', () => {
  it('Loki request errors are per route and guarded', () => {
    const a = alertMap(synthMixin(loki({ targets: ['loki:3100'] })));
    expect(a.LokiRequestErrors!.expr).toContain('(sum by (job, route) (rate(loki_request_duration_seconds_count{job="loki"}[5m])) > 0.1)');
    expect(a.LokiRequestPanics!.expr).toBe('sum by (job) (increase(loki_panic_total{job="loki"}[10m])) > 0');
  });

  it('models the seed 000 shipper: 50k lines/s target, DLQ, positions, guarded sent ratio', () => {
    const a = alertMap(synthMixin(logShipper({ targets: ['log-capturer:8001'] })));
    expect(a.LogShipperNearCapacity!.expr).toBe('sum by (job, instance) (rate(log_capturer_lines_in_total{job="log-capturer"}[5m])) > 40000');
    expect(a.LogShipperFallingBehind!.expr).toContain('(sum by (job, instance) (rate(log_capturer_lines_in_total{job="log-capturer"}[5m])) > 1)\n< 0.95');
    expect(a.LogShipperPositionsStale!.expr).toBe('time() - max by (job, instance) (log_capturer_positions_last_save_timestamp_seconds{job="log-capturer"}) > 300');
    expect(a.LogShipperDeadLetterBacklog!.expr).toBe('max by (job, instance) (log_capturer_dlq_entries{job="log-capturer"}) > 1000');
    expect(a.LogShipperSinkSlow!.expr).toContain('and on (job)\nsum by (job) (rate(log_capturer_sink_request_duration_seconds_count{job="log-capturer"}[5m])) > 0.1');
  });

  it('takes other metric names and a different target', () => {
    const a = alertMap(synthMixin(logShipper({ targets: ['s:8001'], targetLinesPerSecond: 20_000, nearCapacity: { share: 0.5 }, metrics: { linesIn: 'shipper_lines_read_total' } })));
    expect(a.LogShipperNearCapacity!.expr).toBe('sum by (job, instance) (rate(shipper_lines_read_total{job="log-capturer"}[5m])) > 10000');
  });

  it('refuses a latency threshold the buckets cannot show', () => {
    expect(diagnosticsOf(logShipper({ targets: ['s:8001'], sinkLatency: { above: 7 } }))).toContainEqual(
      expect.objectContaining({ path: 'mixins[0].sinkLatency.above', code: 'latency-above-buckets' }),
    );
  });
});

describe('probes', () => {
  const b = synthMixin(probes({ targets: ['https://shop.example.com/'] }));
  const a = alertMap(b);

  it('alerts on failed probes, expiring certificates (14d warning, 3d critical) and slow probes', () => {
    expect(a.ProbeEndpointDown!.expr).toBe('probe_success{job="blackbox"} == 0');
    expect(a.ProbeCertificateExpiring!.expr).toBe('probe_ssl_earliest_cert_expiry{job="blackbox"} - time() < 1209600');
    expect(a.ProbeCertificateExpiringSoon!.expr).toBe('probe_ssl_earliest_cert_expiry{job="blackbox"} - time() < 259200');
    expect(a.ProbeCertificateExpiringSoon!.labels.severity).toBe('critical');
    expect(a.ProbeSlow!.expr).toBe('avg_over_time(probe_duration_seconds{job="blackbox"}[5m]) > 1');
    expect(a.ProbeCertificateExpiring!.annotations.description).toContain('{{ $value | humanizeDuration }}');
  });

  it('refuses a target that is not a URL or host:port', () => {
    expect(diagnosticsOf(probes({ targets: ['not a url'] }))).toContainEqual(expect.objectContaining({ path: 'mixins[0].targets[0]', code: 'schema' }));
  });
});

describe('public API', () => {
  it('exports the factories from obsgen', async () => {
    const api = await import('obsgen');
    for (const name of ['haproxy', 'nginx', 'ingressNginx', 'kubernetes', 'kubernetesPodsJob', 'gpu', 'loki', 'logShipper', 'probes'] as const) {
      expect(typeof api[name], name).toBe('function');
    }
    expect(api.haproxy({ targets: ['h:8404'] }).kind).toBe('haproxy');
  });
});
