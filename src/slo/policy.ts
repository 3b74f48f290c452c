/**
 * Burn-rate alert rules shared by many SLOs. An SLO's pairs are four alert rules that each
 * read two recorded series; fifty SLOs make two hundred rules, and Prometheus pays a query's
 * fixed cost for every one of them. SLOs with the same window, pairs, severities and grouping
 * share one rule per pair instead: the threshold is `factor` times each SLO's budget, read
 * by a join with `slo:error_budget:ratio`, whose `burn_policy` label names the SLOs the
 * rules cover. The annotations are static text and the alert's labels, except the budget left
 * (one guarded query): no per-SLO `query` of the info series at every evaluation.
 */
import { formatNumber } from '../core/decimal.ts';
import { fnv1a } from '../core/names.ts';
import type { Labels, RuleGroup } from '../core/model.ts';
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
export function burnPolicyId(slo: SloBody, pairs: ResolvedPair[], groupBy: string[], reads: number[]): string {
  const shape = pairs.map((p) => [windowName(p.long), windowName(p.short), formatNumber(p.factor), p.severity]);
  const workbook =
    slo.alerting.pairs === undefined &&
    slo.alerting.pageSeverity === 'critical' &&
    slo.alerting.ticketSeverity === 'warning';
  // The rules sum each window from the increases the SLO records (`reads`): always 5m, 30m
  // and 6h for the Workbook's pairs, part of the hash otherwise.
  const base = workbook ? `workbook-${slo.window}` : `pairs-${fnv1a(JSON.stringify([slo.window, shape, reads.map(windowName)]))}`;
  return `${base}${groupBy.length ? `-by-${groupBy.join('-')}` : ''}${slo.dashboard ? '' : '-nodash'}`;
}

/**
 * The dashboard link of a shared rule, static (no `query` of the SLO's info series at every
 * evaluation): the SLO's link with its dashboard uid written from the alert's labels,
 * `<prefix>-{{ $labels.service }}-{{ $labels.slo }}`, the uid `dashboardUid` gives names that are
 * uid-safe and short. Where the SLO's uid is not that (long names are hashed), `own` is the SLO's
 * link, rendered as a case of the annotation (`renderSharedCases`).
 */
export function sharedLink(url: string, uid: string, prefix: string, service: string, slo: string): { template: string; own?: string } {
  const template = url.replace(`/d/${uid}`, `/d/${prefix}-{{ $labels.service }}-{{ $labels.slo }}`);
  return uid === `${prefix}-${service}-${slo}` ? { template } : { template, own: url };
}

/**
 * Renders the per-SLO cases of the shared burn-rate rules into their annotations:
 * `{{ if and (eq $labels.service "a") (eq $labels.slo "b") }}<a's value>{{ else if ... }}{{ else }}<the rule's value>{{ end }}`.
 * Static text, evaluated in the template: no query.
 */
export function renderSharedCases(groups: RuleGroup[]): void {
  for (const g of groups) {
    for (const r of g.rules) {
      if (r.kind !== 'alert' || !r.cases?.length) continue;
      const cases = [...new Map(r.cases.map((c) => [JSON.stringify(c), c])).values()].sort((a, b) => (JSON.stringify(a.match) < JSON.stringify(b.match) ? -1 : 1));
      for (const key of Object.keys(r.annotations)) {
        const own = cases.filter((c) => c.annotations[key] !== undefined);
        if (!own.length) continue;
        const cond = (m: Labels) => {
          const tests = Object.entries(m).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `(eq $labels.${k} ${JSON.stringify(v)})`);
          return tests.length === 1 ? tests[0]!.slice(1, -1) : `and ${tests.join(' ')}`;
        };
        const chain = own.map((c, i) => `{{ ${i ? 'else if' : 'if'} ${cond(c.match)} }}${c.annotations[key]}`).join('');
        r.annotations[key] = `${chain}{{ else }}${r.annotations[key]}{{ end }}`;
      }
      delete r.cases;
    }
  }
}
