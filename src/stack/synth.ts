/**
 * synth: stack props -> Bundle. Validates everything (schema, then semantics, then
 * PromQL and templates) and reports every error at once, each with its path.
 */
import { isComponent, type BuildContext, type Component } from '../core/component.ts';
import { inhibitionExpectations } from '../alertmanager/inhibit.ts';
import { BuildError, Diagnostics, joinPath } from '../core/diagnostics.ts';
import { mergeContributions, type AlertRule, type Contribution, type Rule, type ScrapeJob } from '../core/model.ts';
import { mergeSloReads } from '../slo/merge.ts';
import { renderSharedCases } from '../slo/policy.ts';
import { validate } from '../core/schema.ts';
import { STACK_NAME_RE } from '../core/names.ts';
import { customAlertRule, recordingGroups } from '../alerts/custom.ts';
import { importedGroups } from '../alerts/imported.ts';
import { checkAlerting, defaultInhibitRules, resolveRouteTree, routeExpectations, userInhibitRules } from '../alertmanager/build.ts';
import { toScrapeJob } from '../scrape/jobs.ts';
import { warnJobsComposeLeavesOut } from '../scrape/reach.ts';
import { provideExporters } from '../scrape/provide.ts';
import type { Bundle } from './bundle.ts';
import { checkBundle } from './check.ts';
import { alertLabels, bundleLabelFlow } from './labelflow.ts';
import { isStack, type Stack } from './define.ts';
import { stackAlertingSchema, stackSchema } from './schema.ts';
import { resolveTopology, VM_PORT, VMALERT_PORT } from './topology.ts';
import { checkShardLocalRules } from './shardlocal.ts';
import { defaultTargets } from './targets.ts';
import { buildKubernetes } from '../emit/kubernetes/index.ts';
import { checkKubernetesCarries } from './kubernetesgaps.ts';
import { assembleDashboards } from '../dashboards/user.ts';
import { absoluteLink, resolveLinks, warnLocalLinks } from './links.ts';

export interface SynthResult {
  bundle?: Bundle;
  diagnostics: Diagnostics;
}

function stackLabel(input: unknown): string {
  const props = isStack(input) ? input.props : input;
  const name = (props as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' && STACK_NAME_RE.test(name) ? name : typeof name === 'string' ? name || '<unnamed>' : '<unnamed>';
}

/** Synthesizes a stack; returns diagnostics instead of throwing. */
export function trySynth(stack: Stack | unknown): SynthResult {
  const label = stackLabel(stack);
  const diag = new Diagnostics(label);
  if (!isStack(stack)) {
    diag.error('', 'not-a-stack', 'the stack file does not default-export a stack', {
      hint: "export default defineStack({ name: '...', ... }) from 'obsgen'",
    });
    return { diagnostics: diag };
  }
  const config = validate(stackSchema, stack.props, diag, '');
  if (!config) {
    reportPartsOfInvalidStack(stack.props, diag);
    return { diagnostics: diag };
  }

  const links = resolveLinks(config.links, config.compose.ports);
  const topology = resolveTopology({ ...config.prometheus, ...config.alerting }, diag);
  const globals = {
    name: config.name,
    scrapeInterval: config.prometheus.scrapeInterval,
    evaluationInterval: config.prometheus.evaluationInterval,
    externalLabels: config.prometheus.externalLabels,
  };
  const parts: Contribution[] = [];
  // What ctx.stackJobs() lists: the jobs built so far, the stack's own and self-monitoring.
  const stackJobs = () => {
    const own = config.prometheus.selfMonitoring ? SELF_MONITORING_JOBS : [];
    const intervals = new Map<string, string | undefined>();
    for (const j of [...parts.flatMap((p) => p.scrapeJobs), ...config.scrapeJobs, ...own]) if (!intervals.has(j.name)) intervals.set(j.name, j.scrapeInterval);
    return [...intervals]
      .map(([name, interval]) => ({ name, scrapeInterval: interval ?? config.prometheus.scrapeInterval }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  };
  const makeContext = (path: string): BuildContext => ({
    stack: globals,
    links,
    datasource: { type: 'prometheus', uid: config.grafana.datasourceUid },
    diag,
    path,
    runbookUrl: (alert) => `${links.runbookBaseUrl}/${alert}.md`,
    dashboardUrl: (uid, panelId) => `${links.grafanaUrl}/d/${uid}${panelId !== undefined ? `?viewPanel=${panelId}` : ''}`,
    stackJobs,
  });

  // A component that fails is reported and left out; the checks over the whole stack
  // (shared alerts' tests, links, "no jobs") then only echo its error, so they are dropped.
  let incomplete = false;
  const deferred: { component: Component; path: string }[] = [];
  const buildOne = (component: Component, path: string) => {
    const before = diag.ownErrorCount;
    const props = validate(component.schema, component.props, diag, path);
    if (props === undefined) {
      incomplete = true;
      return;
    }
    try {
      parts.push(withTierOf(component.build(props, makeContext(path)), component.kind));
    } catch (e) {
      diag.error(path, 'build-failed', `${component.kind} could not be built: ${(e as Error).message}`, {
        hint: 'this is a bug in obsgen or the component; report it with the stack file',
      });
    }
    if (diag.ownErrorCount > before) incomplete = true;
  };
  const buildAll = (list: Component[], key: string) => {
    list.forEach((component, i) => {
      const path = joinPath('', key, i);
      if (component.readsStackJobs) deferred.push({ component, path });
      else buildOne(component, path);
    });
  };
  buildAll(config.services, 'services');
  buildAll(config.mixins, 'mixins');
  buildAll(config.slos, 'slos');
  for (const d of deferred) buildOne(d.component, d.path);

  const merged = mergeContributions(parts);
  merged.ruleGroups = mergeSloReads(merged.ruleGroups);
  renderSharedCases(merged.ruleGroups);
  merged.scrapeJobs.push(...config.scrapeJobs.map((j, i) => toScrapeJob(j, joinPath('', 'scrapeJobs', i))));
  // Before self-monitoring, whose jobs have an in-cluster form in every stack.
  const targets = config.targets ?? defaultTargets(merged.scrapeJobs);
  merged.ruleGroups.push(...recordingGroups(config.recordingRules, 'recordingRules'));
  const customByGroup = new Map<string, Rule[]>();
  config.alerts.forEach((a, i) => {
    const rule = customAlertRule(a, config.name, makeContext('').runbookUrl, joinPath('', 'alerts', i));
    const list = customByGroup.get(a.group) ?? [];
    list.push(rule);
    customByGroup.set(a.group, list);
  });
  for (const [name, rules] of customByGroup) {
    const existing = merged.ruleGroups.find((g) => g.name === name && g.source.startsWith('recordingRules'));
    if (existing) existing.rules.push(...rules);
    else merged.ruleGroups.push({ name, rules, source: 'alerts' });
  }

  merged.ruleGroups.push(...importedGroups(config.ruleGroups, 'ruleGroups'));

  // Hand-written relative links (free-form alerts) become absolute like the generated ones.
  for (const g of merged.ruleGroups) {
    for (const r of g.rules) {
      if (r.kind !== 'alert' || r.imported) continue;
      for (const key of ['runbook_url', 'dashboard_url'] as const) if (r.annotations[key]) r.annotations[key] = absoluteLink(key, r.annotations[key], links);
    }
  }

  const inhibitRules = [
    ...(config.alerting.defaultInhibitRules ? defaultInhibitRules() : []),
    ...merged.inhibitRules,
    ...userInhibitRules(config.alerting, 'alerting'),
  ];
  checkAlerting(config.alerting, inhibitRules, diag, 'alerting');
  const routeTree = resolveRouteTree(config.alerting, 'alerting');

  checkShardLocalRules(topology, merged.ruleGroups, diag);

  const alerts = merged.ruleGroups.flatMap((g) => g.rules.filter((r): r is AlertRule => r.kind === 'alert'));
  // An imported alert may carry no severity (or another word for it): routes are tested on what alerts carry.
  const severities = [...new Set(alerts.map((a) => a.labels.severity).filter((s) => typeof s === 'string'))].sort();
  const routeTests = routeExpectations(
    routeTree,
    severities.map((s) => ({ name: `alerts with severity=${s}`, labels: { alertname: 'RouteTest', severity: s, service: config.name } })),
  );

  const bundle: Bundle = {
    stack: config.name,
    ...(config.description ? { description: config.description } : {}),
    globals: {
      ...globals,
      retention: config.prometheus.retention,
      ...(config.prometheus.scrapeTimeout ? { scrapeTimeout: config.prometheus.scrapeTimeout } : {}),
    },
    scrapeJobs: merged.scrapeJobs,
    ...(merged.declaredMetrics ? { declaredMetrics: merged.declaredMetrics } : {}),
    ruleGroups: merged.ruleGroups,
    alerting: config.alerting,
    routeTree,
    inhibitRules,
    routeTests,
    inhibitionTests: [],
    dashboards: merged.dashboards,
    composeServices: merged.composeServices,
    grafana: config.grafana,
    compose: config.compose,
    links,
    topology,
    targets,
    warnings: [],
  };
  if (config.prometheus.selfMonitoring) addSelfMonitoring(bundle);
  bundle.dashboards = assembleDashboards({
    stack: config.name,
    datasource: { type: 'prometheus', uid: config.grafana.datasourceUid },
    generated: bundle.dashboards,
    user: config.dashboards,
    drop: config.dropDashboards,
    jobs: bundle.scrapeJobs.map((j) => j.name),
    selfMonitoring: config.prometheus.selfMonitoring,
    diag,
  });
  // Inhibition cases from the label sets the stack's alerts can really carry (the label flow).
  const flow = bundleLabelFlow(bundle);
  const alertSets = alertLabels(bundle, flow);
  bundle.inhibitionTests = inhibitionExpectations(inhibitRules, alertSets);
  checkBundle(bundle, diag, { flow, alerts: alertSets });
  if (incomplete) diag.dropWholeStackFindings();
  warnLocalLinks(links, diag);
  if (targets.includes('compose')) {
    warnJobsComposeLeavesOut(bundle.scrapeJobs, bundle.ruleGroups, diag);
    bundle.composeServices.push(...provideExporters(bundle.scrapeJobs, bundle.composeServices, diag));
  }
  // The same model as operator objects; only for a stack that is sound so far (errors there would echo).
  if (targets.includes('kubernetes')) checkKubernetesCarries(bundle.alerting, config.kubernetes?.alertmanager ?? 'alertmanagerConfig', diag);
  if (targets.includes('kubernetes') && !diag.hasErrors()) bundle.kubernetes = buildKubernetes(bundle, config.kubernetes, diag);
  if (!targets.includes('kubernetes') && (stack.props as { kubernetes?: unknown }).kubernetes !== undefined) {
    diag.warn('kubernetes', 'kubernetes-unused', `the kubernetes props do nothing: the stack's targets are ${JSON.stringify(targets)}`, {
      hint: "add 'kubernetes' to targets (targets: ['compose', 'kubernetes']) to get the prometheus-operator objects, or drop the kubernetes props",
    });
  }
  bundle.warnings = diag.warnings;
  return diag.hasErrors() ? { diagnostics: diag } : { bundle, diagnostics: diag };
}

/** Synthesizes a stack or throws a BuildError carrying every error. */
export function synth(stack: Stack | unknown): Bundle {
  const result = trySynth(stack);
  if (!result.bundle) throw new BuildError(result.diagnostics.items);
  return result.bundle;
}

/**
 * When the stack as a whole fails its schema, still validate what can be validated on its
 * own (each component's props, the alerting semantics), so one run shows every error.
 */
function reportPartsOfInvalidStack(props: unknown, diag: Diagnostics): void {
  const raw = (props ?? {}) as Record<string, unknown>;
  for (const key of ['services', 'mixins', 'slos']) {
    const list = raw[key];
    if (!Array.isArray(list)) continue;
    list.forEach((c, i) => {
      if (isComponent(c)) validate(c.schema, c.props, diag, joinPath('', key, i));
    });
  }
  const alerting = stackAlertingSchema.safeParse(raw.alerting ?? { receivers: {} });
  if (alerting.success) checkAlerting(alerting.data, userInhibitRules(alerting.data, 'alerting'), diag, 'alerting');
}

/**
 * A component's alerts of one name are tiers of one alert when one knob made them (its
 * source, without the component's own index, so two postgres() mixins share their alerts).
 */
function withTierOf(part: Contribution, kind: string): Contribution {
  for (const g of part.ruleGroups) {
    for (const r of g.rules) if (r.kind === 'alert' && r.tierOf === undefined) r.tierOf = `${kind} ${r.source.replace(/^(\w+)\[\d+\]/, '$1[]')}`;
  }
  return part;
}

/**
 * Prometheus and Alertmanager scraping themselves, first in prometheus.yml unless the stack has jobs of those names.
 * Under prometheus-operator: the governing Services it creates for every Prometheus and
 * Alertmanager (labelled operated-prometheus / operated-alertmanager), by container port
 * number, whose name differs across operator versions.
 */
const SELF_MONITORING_JOBS: ScrapeJob[] = [
  {
    name: 'prometheus',
    staticConfigs: [{ targets: ['localhost:9090'] }],
    kubernetes: { kind: 'ServiceMonitor', selector: { 'operated-prometheus': 'true' }, targetPort: 9090 },
    source: 'prometheus.selfMonitoring',
  },
  {
    name: 'alertmanager',
    staticConfigs: [{ targets: ['alertmanager:9093'] }],
    kubernetes: { kind: 'ServiceMonitor', selector: { 'operated-alertmanager': 'true' }, targetPort: 9093 },
    source: 'prometheus.selfMonitoring',
  },
];

function addSelfMonitoring(bundle: Bundle): void {
  const names = new Set(bundle.scrapeJobs.map((j) => j.name));
  const t = bundle.topology;
  // An HA layout names every server: each one scrapes all of them (or its shard's share).
  const targets: Record<string, string[]> = {
    prometheus: t.servers.length > 1 ? t.servers.map((s) => `${s.name}:9090`) : ['localhost:9090'],
    alertmanager: t.alertmanagers.map((a) => `${a}:9093`),
  };
  SELF_MONITORING_JOBS.forEach((j, i) => {
    if (!names.has(j.name)) bundle.scrapeJobs.splice(i, 0, { ...j, staticConfigs: [{ targets: targets[j.name]! }] });
  });
  const more: ScrapeJob[] = [];
  if (t.longTermStore) more.push({ name: t.longTermStore.service, staticConfigs: [{ targets: [`${t.longTermStore.service}:${VM_PORT}`] }], source: 'prometheus.longTermStore' });
  if (t.ruleEvaluators.length) more.push({ name: 'vmalert', staticConfigs: [{ targets: t.ruleEvaluators.map((v) => `${v}:${VMALERT_PORT}`) }], source: 'prometheus.shards' });
  for (const j of more) if (!names.has(j.name)) bundle.scrapeJobs.push(j);
}
