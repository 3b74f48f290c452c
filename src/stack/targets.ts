/**
 * Build targets: where a stack's monitoring runs. `compose` is the docker-compose bundle;
 * `kubernetes` the prometheus-operator objects (PrometheusRule, ServiceMonitor, ...). Both
 * render the same Bundle, so the rules, their tests and the routing are one model.
 */
import { z } from 'zod';
import type { ScrapeJob } from '../core/model.ts';
import { labels } from '../core/schema.ts';

export const BUILD_TARGETS = ['compose', 'kubernetes'] as const;
export type BuildTarget = (typeof BUILD_TARGETS)[number];

const k8sName = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'is not a Kubernetes name (lowercase letters, digits and -)').max(63);
// Kubernetes label values allow more than Prometheus label values forbid; both rules apply here.
const k8sLabels = labels.superRefine((map, ctx) => {
  for (const [k, v] of Object.entries(map)) {
    if (!/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(v) || v.length > 63) {
      ctx.addIssue({ code: 'custom', path: [k], input: v, message: `${JSON.stringify(v)} is not a Kubernetes label value`, params: { hint: 'at most 63 letters, digits, -, _ or ., starting and ending with a letter or digit' } });
    }
  }
});

const DEFAULT_SELECTOR_LABELS = { release: 'kube-prometheus-stack' };

export const kubernetesTargetSchema = z
  .object({
    /** Namespace of every object (the one the operator's Prometheus and Alertmanager run in). @default 'monitoring' */
    namespace: k8sName.default('monitoring'),
    /** Labels of every PrometheusRule, for the Prometheus `ruleSelector`. @default { release: 'kube-prometheus-stack' } */
    ruleLabels: k8sLabels.default(DEFAULT_SELECTOR_LABELS),
    /**
     * Labels of every ServiceMonitor, PodMonitor, Probe, ScrapeConfig and AlertmanagerConfig, for the
     * Prometheus and Alertmanager selectors. @default { release: 'kube-prometheus-stack' }
     */
    monitorLabels: k8sLabels.default(DEFAULT_SELECTOR_LABELS),
    /**
     * Alertmanager routing as an `AlertmanagerConfig` object ('alertmanagerConfig'), or the whole
     * alertmanager.yaml in a Secret for the Alertmanager's `configSecret` ('secret'). @default 'alertmanagerConfig'
     */
    alertmanager: z.enum(['alertmanagerConfig', 'secret']).default('alertmanagerConfig'),
    /** Name of the Secret holding alertmanager.yaml in 'secret' mode. @default 'alertmanager-<stack>' */
    alertmanagerSecret: k8sName.optional(),
    /**
     * Name of the Secret you create with the credentials the stack reads from files (receiver keys,
     * scrape tokens): each file becomes a key named after it (kubernetes/SECRETS.md lists them). @default '<stack>-credentials'
     */
    credentialsSecret: k8sName.optional(),
    /**
     * Static targets (outside the cluster) as a ScrapeConfig (monitoring.coreos.com/v1alpha1;
     * operator 0.65+ with the ScrapeConfig CRD installed) or an error naming the job. @default 'scrapeConfig'
     */
    staticJobs: z.enum(['scrapeConfig', 'error']).default('scrapeConfig'),
    /**
     * 'emit': obsgen writes the Prometheus and Alertmanager objects themselves (the stack's replicas,
     * shards, remoteWrite and peers; a ThanosRuler for the rules of a sharded stack) with selectors
     * matching its own objects. 'existing': an existing Prometheus and Alertmanager
     * (kube-prometheus-stack) pick the objects up by their labels.
     * @default 'emit' when the stack sets replicas, shards, remoteWrite, longTermStore or peers; else 'existing'
     */
    servers: z.enum(['existing', 'emit']).optional(),
    /**
     * Base URL of the long-term store inside the cluster (prometheus.longTermStore): remote_write goes to
     * `<storeUrl>/api/v1/write`, the ThanosRuler of a sharded stack queries it, Grafana reads it.
     * obsgen does not deploy the store. @default 'http://victoriametrics.<namespace>.svc:8428'
     */
    storeUrl: z.url().optional(),
    grafana: z
      .object({
        /** Annotation the Grafana sidecar reads the folder from (its `folderAnnotation`). @default 'grafana_folder' */
        folderAnnotation: z.string().min(1).default('grafana_folder'),
        /** Emit the datasource ConfigMap (turn off to use the one kube-prometheus-stack provisions, uid `prometheus`). @default true */
        datasource: z.boolean().default(true),
        /** URL of Prometheus inside the cluster. @default 'http://prometheus-operated.<namespace>.svc:9090' */
        prometheusUrl: z.url().optional(),
        /** URL of Alertmanager inside the cluster. @default 'http://alertmanager-operated.<namespace>.svc:9093' */
        alertmanagerUrl: z.url().optional(),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

export type KubernetesTargetConfig = z.output<typeof kubernetesTargetSchema>;

/** The default targets: Kubernetes too when a job discovers through Kubernetes or has an in-cluster form. */
export function defaultTargets(jobs: ScrapeJob[]): BuildTarget[] {
  return jobs.some((j) => j.kubernetesSdConfigs?.length || j.kubernetes) ? ['compose', 'kubernetes'] : ['compose'];
}
