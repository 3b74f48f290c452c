/** The props of a stack: its globals, components and alerting, with documented defaults. */
import { z } from 'zod';
import { isComponent, type Component } from '../core/component.ts';
import { duration, labels } from '../core/schema.ts';
import { STACK_NAME_RE } from '../core/names.ts';
import { alertingSchema } from '../alertmanager/schema.ts';
import { customAlertSchema, recordingGroupSchema } from '../alerts/custom.ts';
import { importedGroupSchema } from '../alerts/imported.ts';
import { scrapeJobSchema } from '../scrape/schema.ts';
import { userDashboardSchema } from '../dashboards/user.ts';
import { rawDashboardSchema } from '../dashboards/raw.ts';
import { linksSchema } from './links.ts';
import { alertingTopologyProps, prometheusTopologyProps } from './topology.ts';
import { BUILD_TARGETS, kubernetesTargetSchema } from './targets.ts';

const component = z.custom<Component>(isComponent, {
  message: 'is not a service or mixin',
  params: { hint: 'use a factory such as httpService({...}) or postgres({...})' },
});

/**
 * The images the compose file pins, each checked against its release notes (table and
 * sources in docs/images.md). Bump them together with that table.
 */
export const IMAGES = {
  // 3.14.0 (2026-08-17): newest in prometheus/prometheus CHANGELOG.md; fixes case-insensitive
  // regex matchers dropping matches (#19167) and TSDB data loss on restart (#19016, #19140).
  prometheus: 'prom/prometheus:v3.14.0',
  // 0.34.1 (2026-09-17): fixes inhibitions that un-muted alerts when one of several matching
  // source alerts resolved (#5542, #5449, #5559); obsgen's bundles lean on inhibit rules.
  alertmanager: 'prom/alertmanager:v0.34.1',
  // 13.2.3 (2026-09-29): newest 13.2 patch seen; 13.2.0 carried the fix for CVE-2026-17183.
  grafana: 'grafana/grafana:13.2.3',
  // The long-term store and rule evaluator of HA/sharded stacks (docs/ha.md); one release for both.
  // 1.136.1 (2026-03-02): the v1.136.x LTS line (supported at least 12 months); fixes mTLS expiry checks (#10393).
  victoriametrics: 'victoriametrics/victoria-metrics:v1.136.1',
  vmalert: 'victoriametrics/vmalert:v1.136.1',
} as const;

/** `alerting:` of a stack: routing plus the Alertmanager cluster size. */
export const stackAlertingSchema = alertingSchema.extend(alertingTopologyProps);

export const stackSchema = z
  .object({
    /** Lowercase name; the bundle goes to out/<name>/. */
    name: z.string().regex(STACK_NAME_RE, 'is not a stack name (lowercase letters, digits and -)'),
    description: z.string().optional(),
    prometheus: z
      .object({
        /** @default '15s' */
        scrapeInterval: duration.default('15s'),
        /** @default '15s' */
        evaluationInterval: duration.default('15s'),
        /** @default min(10s, scrapeInterval) */
        scrapeTimeout: duration.optional(),
        /** Labels attached to every series and alert leaving this Prometheus. @default {} */
        externalLabels: labels.default({}),
        /** TSDB retention. @default '15d' */
        retention: duration.default('15d'),
        /** Scrape Prometheus and Alertmanager themselves. @default true */
        selfMonitoring: z.boolean().default(true),
        /** High availability and scale-out (docs/ha.md): replicas, shards, remoteWrite, longTermStore. */
        ...prometheusTopologyProps,
      })
      .strict()
      .default({ scrapeInterval: '15s', evaluationInterval: '15s', externalLabels: {}, retention: '15d', selfMonitoring: true, replicas: 1, shards: 1, replicaLabel: 'prometheus_replica', shardLabel: 'prometheus_shard', remoteWrite: [], shardLocalRules: [] }),
    services: z.array(component).default([]),
    mixins: z.array(component).default([]),
    /** SLOs of any service: `slo({...})`, or `...openslo('file.yaml')`. @default [] */
    slos: z.array(component).default([]),
    scrapeJobs: z.array(scrapeJobSchema).default([]),
    recordingRules: z.array(recordingGroupSchema).default([]),
    alerts: z.array(customAlertSchema).default([]),
    /** Rule groups kept as written in existing rule files (`obsgen import rules`): emitted verbatim. @default [] */
    ruleGroups: z.array(importedGroupSchema).default([]),
    /** Your own dashboards: `dashboard({ title, panels: [row(...), timeseries(...)] })`; `replace: true` replaces the generated one with its uid. @default [] */
    // rawDashboard({ model }) keeps a Grafana JSON model as it is (docs/import.md).
    dashboards: z.array(z.union([userDashboardSchema, rawDashboardSchema])).default([]),
    /** uids of generated dashboards to leave out (the overview is `<stack>-overview`). @default [] */
    dropDashboards: z.array(z.string()).default([]),
    alerting: stackAlertingSchema.default({ receivers: {}, groupBy: ['alertname', 'service', 'severity'], groupWait: '30s', groupInterval: '5m', repeatInterval: '4h', routes: [], inhibitRules: [], defaultInhibitRules: true, timeIntervals: {}, peers: 1, peerTimeout: '15s' }),
    grafana: z
      .object({
        /** uid of the provisioned Prometheus datasource; dashboards reference it. @default 'prometheus' */
        datasourceUid: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'is not a datasource uid').default('prometheus'),
        /** @default 'Prometheus' */
        datasourceName: z.string().default('Prometheus'),
        /** @default 'admin' */
        adminUser: z.string().default('admin'),
      })
      .strict()
      .default({ datasourceUid: 'prometheus', datasourceName: 'Prometheus', adminUser: 'admin' }),
    /**
     * What the build emits: `compose` (docker-compose.yml and its configs) and/or `kubernetes`
     * (prometheus-operator objects under kubernetes/, see docs/kubernetes.md).
     * @default ['compose', 'kubernetes'] when a scrape job uses Kubernetes discovery, else ['compose']
     */
    targets: z
      .array(z.enum(BUILD_TARGETS))
      .superRefine((t, ctx) => {
        if (t.length === 0) ctx.addIssue({ code: 'custom', path: [], input: t, message: 'names no build target', params: { hint: "give targets: ['compose'], ['kubernetes'] or both, or leave targets out for the default" } });
        t.forEach((x, i) => {
          if (t.indexOf(x) !== i) ctx.addIssue({ code: 'custom', path: [i], input: x, message: `names ${JSON.stringify(x)} twice`, params: { hint: 'list each target once' } });
        });
      })
      .optional(),
    /** The prometheus-operator objects of the kubernetes target (docs/kubernetes.md). */
    kubernetes: kubernetesTargetSchema,
    /** Absolute base URLs users reach the stack at (see src/stack/links.ts). @default localhost on the compose ports, with a warning */
    links: linksSchema,
    compose: z
      .object({
        /** Host address the published ports bind to. @default '127.0.0.1' */
        bindAddress: z.string().default('127.0.0.1'),
        ports: z
          .object({ prometheus: z.number().int().default(9090), alertmanager: z.number().int().default(9093), grafana: z.number().int().default(3000) })
          .strict()
          .default({ prometheus: 9090, alertmanager: 9093, grafana: 3000 }),
        images: z
          .object({ prometheus: z.string().optional(), alertmanager: z.string().optional(), grafana: z.string().optional() })
          .strict()
          .default({}),
      })
      .strict()
      .default({ bindAddress: '127.0.0.1', ports: { prometheus: 9090, alertmanager: 9093, grafana: 3000 }, images: {} }),
  })
  .strict();

export type StackProps = z.input<typeof stackSchema>;
export type StackConfig = z.output<typeof stackSchema>;
