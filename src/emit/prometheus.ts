/** prometheus/prometheus.yml and prometheus/rules/<group>.rules.yml. */
import type { AlertRule, RuleGroup } from '../core/model.ts';
import { scrapeConfigYaml } from '../scrape/jobs.ts';
import { composeCanScrape } from '../scrape/reach.ts';
import type { Bundle } from '../stack/bundle.ts';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATED, toYaml } from './yaml.ts';

/**
 * The Prometheus configs of a built bundle, file names under prometheus/: prometheus.yml, or
 * one per server of an HA layout (prometheus-0.yml, prometheus-s1-0.yml; docs/ha.md).
 */
export function prometheusConfigFiles(bundleDir: string): string[] {
  const dir = join(bundleDir, 'prometheus');
  if (existsSync(join(dir, 'prometheus.yml'))) return ['prometheus.yml'];
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^prometheus-[\w-]+\.yml$/.test(f))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

export const RULES_DIR = 'prometheus/rules';

export function ruleFileName(group: RuleGroup): string {
  return `${groupFileStem(group)}.rules.yml`;
}

/** The stem of a group's rule and test files. */
export function groupFileStem(group: RuleGroup): string {
  return group.file ?? group.name;
}

function sorted(map: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(map).sort().map((k) => [k, map[k]!]));
}

export function prometheusYaml(bundle: Bundle): string {
  return toYaml(prometheusConfig(bundle), GENERATED);
}

/** prometheus.yml as data. */
export function prometheusConfig(bundle: Bundle): Record<string, unknown> {
  const g = bundle.globals;
  const global: Record<string, unknown> = { scrape_interval: g.scrapeInterval, evaluation_interval: g.evaluationInterval };
  if (g.scrapeTimeout) global.scrape_timeout = g.scrapeTimeout;
  if (Object.keys(g.externalLabels).length) global.external_labels = sorted(g.externalLabels);
  const config = {
    global,
    rule_files: bundle.ruleGroups.length ? ['rules/*.rules.yml'] : [],
    alerting: { alertmanagers: [{ static_configs: [{ targets: ['alertmanager:9093'] }] }] },
    // Compose's Prometheus runs outside any cluster: in-cluster discovery jobs stay out (src/scrape/reach.ts).
    scrape_configs: bundle.scrapeJobs.filter(composeCanScrape).map((j) => scrapeConfigYaml(j, g.scrapeInterval, g.scrapeTimeout)),
  };
  return config;
}

/** One rule with its full label set (a PrometheusRule's rules carry the group's labels themselves). */
export function ruleYaml(rule: RuleGroup['rules'][number]): Record<string, unknown> {
  return ruleInGroupYaml(rule, {});
}

/** One rule of a group that carries `groupLabels` itself: a label of the same value is left to the group. */
function ruleInGroupYaml(rule: RuleGroup['rules'][number], groupLabels: Record<string, string>): Record<string, unknown> {
  const own = (labels: Record<string, string>) => Object.fromEntries(Object.entries(labels).filter(([k, v]) => groupLabels[k] !== v));
  if (rule.kind === 'record') {
    const labels = own(rule.labels ?? {});
    return { record: rule.name, expr: rule.expr, ...(Object.keys(labels).length ? { labels: sorted(labels) } : {}) };
  }
  const a: AlertRule = rule;
  const labels = own(a.labels);
  return {
    alert: a.name,
    expr: a.expr,
    ...(a.for ? { for: a.for } : {}),
    ...(a.keepFiringFor ? { keep_firing_for: a.keepFiringFor } : {}),
    // Only an imported alert can have none (obsgen's own always carry severity and summary).
    ...(Object.keys(labels).length ? { labels: sorted(labels) } : {}),
    ...(Object.keys(a.annotations).length ? { annotations: sorted(a.annotations) } : {}),
  };
}

export function ruleFileYaml(group: RuleGroup): string {
  const groupLabels = group.labels ?? {};
  return toYaml(
    {
      groups: [
        {
          name: group.name,
          ...(group.interval ? { interval: group.interval } : {}),
          ...(group.queryOffset ? { query_offset: group.queryOffset } : {}),
          ...(group.limit !== undefined ? { limit: group.limit } : {}),
          ...(Object.keys(groupLabels).length ? { labels: sorted(groupLabels) } : {}),
          rules: group.rules.map((r) => ruleInGroupYaml(r, groupLabels)),
        },
      ],
    },
    GENERATED,
  );
}

/** Group fields Debian's promtool 2.42 does not know (query_offset: 2.53+, labels: 3.0+). */
export const PROMETHEUS3_GROUP_FIELDS = ['query_offset', 'labels'] as const;
