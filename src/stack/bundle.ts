/** The synthesized bundle of one stack: plain data, before it becomes files. */
import type { Diagnostic } from '../core/diagnostics.ts';
import type { StackGlobals } from '../core/component.ts';
import type { ComposeService, DashboardFile, DeclaredMetric, InhibitRule, RuleGroup, ScrapeJob } from '../core/model.ts';
import type { Alerting } from '../alertmanager/schema.ts';
import type { ResolvedRoute, RouteExpectation } from '../alertmanager/build.ts';
import type { InhibitionCase } from '../alertmanager/inhibit.ts';
import type { StackConfig } from './schema.ts';
import type { ResolvedLinks } from './links.ts';
import type { Topology } from './topology.ts';
import type { BuildTarget } from './targets.ts';
import type { KubernetesBundle } from '../emit/kubernetes/index.ts';

export interface Bundle {
  stack: string;
  description?: string;
  globals: StackGlobals & { scrapeTimeout?: string; retention: string };
  scrapeJobs: ScrapeJob[];
  /** What services declare about their metrics' labels (checks only; not written to the bundle). */
  declaredMetrics?: DeclaredMetric[];
  ruleGroups: RuleGroup[];
  alerting: Alerting;
  routeTree: ResolvedRoute;
  inhibitRules: InhibitRule[];
  routeTests: RouteExpectation[];
  inhibitionTests: InhibitionCase[];
  dashboards: DashboardFile[];
  composeServices: ComposeService[];
  grafana: StackConfig['grafana'];
  compose: StackConfig['compose'];
  links: ResolvedLinks;
  /** Replicas, shards, remote_write, Alertmanager peers: what every target renders (docs/ha.md). */
  topology: Topology;
  /** What the build emits (stack prop `targets`, or its default). */
  targets: BuildTarget[];
  /** The prometheus-operator objects, when `kubernetes` is a target. */
  kubernetes?: KubernetesBundle;
  warnings: Diagnostic[];
}
