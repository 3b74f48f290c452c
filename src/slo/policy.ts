/**
 * Burn-rate alert rules shared by many SLOs. An SLO's pairs are four alert rules that each
 * read two recorded series; fifty SLOs make two hundred rules, and Prometheus pays a query's
 * fixed cost for every one of them. SLOs with the same window, pairs, severities and grouping
 * share one rule per pair instead: the threshold is `factor` times each SLO's budget, read
 * by a join with `slo:error_budget:ratio`, whose `burn_policy` label names the SLOs the
 * rules cover. Everything per SLO in the annotations (objective, dashboard link) comes from
 * the SLO's `obsgen_slo_info` series at notification time.
 */
import { formatNumber } from '../core/decimal.ts';
import { fnv1a } from '../core/names.ts';
import type { SloBody } from './schema.ts';
import type { ResolvedPair } from './build.ts';
import { windowName } from './windows.ts';

/** The alert name of the shared pair rules. */
export const SHARED_BURN_ALERT = 'SLOBudgetBurn';

/** Whether the SLO's pairs can be shared rules: nothing in them is the SLO's own. */
export function sharesBurnRules(slo: SloBody): boolean {
  const a = slo.alerting;
  return a.shared && a.name === undefined && a.labels === undefined && a.minEvents === 0;
}

/**
 * The `burn_policy` value of SLOs whose pair rules can be one: `workbook-30d` for the default
 * pairs and severities over 30d, else a hash of what the rules depend on; `-by-<labels>` when
 * grouped (the budget query and the inhibit rules name the grouping labels), `-nodash` without
 * a dashboard (no link annotation).
 */
export function burnPolicyId(slo: SloBody, pairs: ResolvedPair[], groupBy: string[]): string {
  const shape = pairs.map((p) => [windowName(p.long), windowName(p.short), formatNumber(p.factor), p.severity]);
  const workbook =
    slo.alerting.pairs === undefined &&
    slo.alerting.pageSeverity === 'critical' &&
    slo.alerting.ticketSeverity === 'warning';
  const base = workbook ? `workbook-${slo.window}` : `pairs-${fnv1a(JSON.stringify([slo.window, shape]))}`;
  return `${base}${groupBy.length ? `-by-${groupBy.join('-')}` : ''}${slo.dashboard ? '' : '-nodash'}`;
}

/**
 * A template reading the SLO's info series (from the alert's labels): `before`, the first
 * sample piped to `fn` (e.g. `label "objective"`), `after`; `otherwise` where the series does
 * not exist (yet). Unguarded, `first` on an empty result renders Prometheus's error text
 * (`first() called on vector with no elements`) into the notification.
 */
export function infoTemplate(fn: string, otherwise: string, before = '', after = ''): string {
  return `{{ with printf \`obsgen_slo_info{service="%s",slo="%s"}\` $labels.service $labels.slo | query }}${before}{{ . | first | ${fn} }}${after}{{ else }}${otherwise}{{ end }}`;
}

/** The query the template above sends for one SLO (what a test states the result of). */
export function infoQuery(service: string, slo: string): string {
  return `obsgen_slo_info{service="${service}",slo="${slo}"}`;
}
