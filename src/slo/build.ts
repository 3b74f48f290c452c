/**
 * One SLO -> recording rules (5m and 6h increases read once, every other window derived from them),
 * multi-window multi-burn-rate alerts with generated promtool scenarios, Alertmanager
 * inhibit rules (a page silences the slower tiers of the same SLO) and a dashboard.
 */
import type { BuildContext } from '../core/component.ts';
import { Decimal, formatNumber } from '../core/decimal.ts';
import { durationMs, formatDuration } from '../core/duration.ts';
import {
  emptyContribution,
  type AlertRule,
  type AlertScenario,
  type Contribution,
  type ExprScenario,
  type InhibitRule,
  type Labels,
  type Matcher,
  type RecordingRule,
  type Rule,
  type Severity,
} from '../core/model.ts';
import { dashboardUid, pascalCase } from '../core/names.ts';
import { sloDashboard, SLO_PANELS } from '../dashboards/slo.ts';
import { burnPolicyId, SHARED_BURN_ALERT, sharedLink, sharesBurnRules } from './policy.ts';
import { exactFiring, groupValuesFor, sliInputs, type Phase } from './scenarios.ts';
import type { SloBody } from './schema.ts';
import { reportPromQL } from '../promql/index.ts';
import { countRules, readExpr, selectorFields, selectorProblem, sliExprs, type HttpDefaults, type SliExprs } from './sli.ts';
import { increaseExpr, increaseWindows, levelExpr, NEAR_MAX, RAW_SHORT_MAX, needsLevel, READ_WINDOW, windowIncrease as windowIncrease_, windowName, windowRatio } from './windows.ts';

const M = 60_000;
/**
 * The `tierOf` of every SLO alert: a burn-rate alert's pairs are tiers of one alert, and one
 * name may serve many SLOs (the shared rule, or own rules named alike), told apart by `slo`.
 */
const SLO_ALERTS = 'slo';

export interface SloTarget {
  service: string;
  /** The httpService the SLO belongs to: metric names, job, buckets. */
  http?: HttpDefaults;
  /** Scrape interval of the data the SLI reads. */
  scrapeInterval: string;
}

export interface ResolvedPair {
  long: number;
  short: number;
  budgetPercent: Decimal;
  factor: Decimal;
  severity: Severity;
  path: string;
}

/** The SRE Workbook's four pairs for the budget share spent when each fires. */
export const DEFAULT_PAIRS = [
  { long: '1h', short: '5m', budget: 2 },
  { long: '6h', short: '30m', budget: 5 },
  { long: '1d', short: '2h', budget: 10 },
  { long: '3d', short: '6h', budget: 10 },
] as const;

/** burn-rate factor = budget share x period / long window (14.4 for 2% of 30d in 1h). */
export function pairFactor(budgetPercent: Decimal, periodMs: number, longMs: number): Decimal {
  return budgetPercent.mul(periodMs).div(Decimal.from(longMs).mul(100), 12);
}

export function resolvePairs(slo: SloBody, path: string): ResolvedPair[] {
  const period = durationMs(slo.window);
  const a = slo.alerting;
  const given = a.pairs;
  const list = given ?? DEFAULT_PAIRS.map((p) => ({ ...p, severity: undefined }));
  return list.map((p, i) => {
    const budgetPercent = Decimal.from(p.budget);
    const long = durationMs(p.long);
    return {
      long,
      short: durationMs(p.short),
      budgetPercent,
      factor: pairFactor(budgetPercent, period, long),
      severity: p.severity ?? (i < 2 ? a.pageSeverity : a.ticketSeverity),
      path: given ? `${path}.alerting.pairs[${i}]` : `${path}.alerting`,
    };
  });
}

function idSelector(service: string, name: string): string {
  return `{service=${JSON.stringify(service)},slo=${JSON.stringify(name)}}`;
}

function on(groupBy: string[]): string {
  return `on (${groupBy.join(', ')})`;
}

/** Validation with paths: objective, feasibility of each pair, windows, latency buckets, grouping. */
function validateSlo(slo: SloBody, target: SloTarget, pairs: ResolvedPair[], ctx: BuildContext, path: string): Decimal | undefined {
  let ok = true;
  let objective: Decimal | undefined;
  try {
    objective = Decimal.from(slo.objective);
  } catch {
    ctx.diag.error(`${path}.objective`, 'slo-objective', 'is not a number', { value: slo.objective, hint: 'give the objective in percent, e.g. 99.9' });
    return undefined;
  }
  if (objective.cmp(0) <= 0 || objective.cmp(100) >= 0) {
    ctx.diag.error(`${path}.objective`, 'slo-objective', objective.cmp(100) >= 0 ? 'an objective of 100% leaves no error budget: every burn rate divides by zero' : 'the objective must be above 0%', {
      value: slo.objective,
      hint: 'give a percent strictly between 0 and 100, e.g. 99.9',
    });
    return undefined;
  }
  const budget = Decimal.from(100).sub(objective).div(100, 12);
  if (objective.cmp('99.99') >= 0) {
    const secs = budget.mul(durationMs(slo.window) / 1000).toNumber();
    ctx.diag.warn(`${path}.objective`, 'slo-objective-tight', `${formatNumber(objective)}% leaves ${formatDuration(Math.round(secs) * 1000) || '0s'} of total outage per ${slo.window}: a full outage spends the budget before anyone can react`, {
      value: slo.objective,
      hint: 'consider 99.9 or 99.95, or a longer window',
    });
  }
  const scrape = durationMs(target.scrapeInterval);
  pairs.forEach((p, i) => {
    const thr = p.factor.mul(budget);
    if (thr.cmp(1) >= 0) {
      const minObjective = Decimal.from(100).sub(Decimal.from(100).div(p.factor, 6));
      ctx.diag.error(p.path, 'slo-pair-never-fires', `the ${windowName(p.long)}/${windowName(p.short)} pair needs a burn rate of ${formatNumber(p.factor)}x, an error ratio of ${formatNumber(thr)}: more than a total outage gives, so it can never fire; it works only for objectives above ${formatNumber(minObjective)}%`, {
        value: slo.objective,
        hint: 'raise the objective, lower the pair\'s budget share, lengthen its long window, or replace the default pairs (alerting.pairs)',
      });
      ok = false;
    }
    if (p.short >= p.long) {
      ctx.diag.error(p.path, 'slo-pair-windows', `the short window ${windowName(p.short)} is not shorter than the long window ${windowName(p.long)}`, { hint: 'the Workbook uses a short window of 1/12 of the long one' });
      ok = false;
    }
    for (const [w, which] of [[p.short, 'short'], [p.long, 'long']] as const) {
      if (w < 5 * M) {
        ctx.diag.error(p.path, 'slo-window-too-short', `the ${which} window ${windowName(w)} is shorter than 5m, the recorded step every window is built from`, { value: windowName(w), hint: 'use windows of 5m or more' });
        ok = false;
      }
    }
    if (p.short < 4 * scrape) {
      ctx.diag.error(p.path, 'slo-short-window-scrape', `the short window ${windowName(p.short)} holds fewer than 4 scrapes at the ${target.scrapeInterval} scrape interval: one missed scrape swings the ratio`, {
        value: windowName(p.short),
        hint: `use a short window of at least ${formatDuration(4 * scrape)}, or scrape more often`,
      });
      ok = false;
    }
    void i;
  });
  for (const [i, w] of slo.reportingWindows.entries()) {
    if (durationMs(w) < 5 * M) {
      ctx.diag.error(`${path}.reportingWindows[${i}]`, 'slo-window-too-short', `the window ${w} is shorter than 5m`, { value: w, hint: 'use windows of 5m or more' });
      ok = false;
    }
  }
  if (durationMs(slo.window) < 5 * M) {
    ctx.diag.error(`${path}.window`, 'slo-window-too-short', `the window ${slo.window} is shorter than 5m`, { value: slo.window, hint: 'SLO windows are days, e.g. 30d or 28d' });
    ok = false;
  }
  slo.groupBy.forEach((g, i) => {
    if (g === 'slo' || g === 'service' || g === 'le') {
      ctx.diag.error(`${path}.groupBy[${i}]`, 'slo-group-label', `the label ${g} cannot group an SLO: obsgen sets slo and service on every SLO series`, { value: g, hint: 'define one SLO per service instead of grouping by service' });
      ok = false;
    }
  });
  return ok ? objective : undefined;
}

/**
 * Type-checks the PromQL an SLI takes from the user: selectors (empty-matching selectors, bad
 * regexes) and a raw error ratio. False when any is refused.
 */
function checkSliTexts(slo: SloBody, ctx: BuildContext, path: string): boolean {
  const before = ctx.diag.errors.length;
  // A query where a selector belongs is refused before this (slo-selector); here the selector itself must type-check.
  const selector = (text: string, at: string) => void reportPromQL(ctx.diag, at, 'SLI selector', text);
  const sli = slo.sli;
  if ('events' in sli) {
    for (const side of ['good', 'bad', 'total'] as const) {
      const text = sli.events[side];
      if (text !== undefined) selector(text, `${path}.sli.events.${side}`);
    }
  } else if ('availability' in sli) selector(sli.availability.gauge, `${path}.sli.availability.gauge`);
  else if ('ratio' in sli) {
    const expr = sli.ratio.errorRatio.replaceAll('{{window}}', '5m').replaceAll('{{.window}}', '5m');
    reportPromQL(ctx.diag, `${path}.sli.ratio.errorRatio`, 'SLI error ratio', expr, { rule: true, note: '{{window}} read as 5m' });
  } else if ('latency' in sli && sli.latency.matchers) {
    // Read as the histogram's selector; `x` stands for its name.
    reportPromQL(ctx.diag, `${path}.sli.latency.matchers`, 'SLI latency matchers', `x{${sli.latency.matchers}}`, { note: 'read as x{matchers}' });
  }
  return ctx.diag.errors.length === before;
}

export function buildSlo(slo: SloBody, target: SloTarget, ctx: BuildContext, path: string): Contribution {
  const out = emptyContribution();
  const pairs = slo.alerting.disabled ? [] : resolvePairs(slo, path);
  const objective = validateSlo(slo, target, slo.alerting.disabled ? [] : pairs, ctx, path);
  // Selectors first: every other SLI check reads them.
  let selectorsOk = true;
  for (const [field, text, holds] of selectorFields(slo.sli)) {
    const problem = selectorProblem(holds === 'matchers' ? `x{${text}}` : text);
    if (!problem) continue;
    selectorsOk = false;
    ctx.diag.error(`${path}.sli.${field}`, 'slo-selector', holds === 'matchers' ? 'are not label matchers' : problem, {
      value: text,
      hint:
        holds === 'matchers'
          ? 'label matchers such as job="api",handler!="/health", without braces'
          : 'a selector such as metric{label="v"}, not a query; obsgen adds rate/increase itself',
    });
  }
  if (!selectorsOk) return out;
  const sli = sliExprs(slo, target.http);
  if (typeof sli === 'string') {
    ctx.diag.error(`${path}.sli`, 'slo-sli', sli, { hint: 'see docs/slo.md for the SLI kinds' });
    return out;
  }
  // What the user wrote goes into the SLO's rules: refuse it here, at its field, not at the rules it generates.
  if (!checkSliTexts(slo, ctx, path)) return out;
  if (sli.latency) {
    const { buckets, seconds, below } = sli.latency;
    if (!buckets) {
      ctx.diag.error(`${path}.sli.latency.buckets`, 'slo-latency-buckets', 'the histogram\'s buckets are needed to check the threshold', { hint: 'give buckets: [...] as the service declares them' });
      return out;
    }
    if (!buckets.some((b) => Math.abs(b - seconds) < 1e-12)) {
      ctx.diag.error(`${path}.sli.latency.below`, 'slo-latency-bucket', `${below} (${seconds}s) is not one of the declared buckets [${[...buckets].sort((a, b) => a - b).join(', ')}]: the share of requests under it cannot be read from the histogram`, {
        value: below,
        hint: `use one of the buckets as the threshold, or declare ${seconds} among the service's buckets`,
      });
      return out;
    }
  }
  if (!objective) return out;

  const service = target.service;
  const g = slo.groupBy;
  const sel = idSelector(service, slo.name);
  const budget = Decimal.from(100).sub(objective).div(100, 12);
  const period = durationMs(slo.window);
  const reporting = [...new Set(slo.reportingWindows.map(durationMs))].filter((w) => w !== period).sort((a, b) => a - b);
  const alertWindows = [...new Set(pairs.flatMap((p) => [p.long, p.short]))].sort((a, b) => a - b);
  const ratioWindows = [...new Set([5 * M, ...alertWindows, period, ...reporting])].sort((a, b) => a - b);
  const incWindows = increaseWindows(ratioWindows);
  // Read from the raw counters: 5m, a page's short window up to 1h (see RAW_SHORT_MAX), and 6h.
  const rawShort = pairs.filter((p) => p.severity === 'critical' && p.short > 5 * M && p.short <= RAW_SHORT_MAX && p.long <= NEAR_MAX).map((p) => p.short);
  const readWindows = [...new Set([5 * M, ...rawShort, ...(incWindows.includes(READ_WINDOW) ? [READ_WINDOW] : [])])].sort((a, b) => a - b);
  const ruleLabels: Labels = { service, slo: slo.name };
  const group = `slo-${service}-${slo.name}`;
  const rec = (name: string, expr: string, extra: Labels = {}): RecordingRule => ({ kind: 'record', name, expr, labels: { ...ruleLabels, ...extra }, source: path });
  const shared = (name: string, expr: string): RecordingRule => ({ kind: 'record', name, expr, source: path });

  // --- dashboard
  const uid = dashboardUid(ctx.stack.name, 'slo', service, slo.name);
  let panelIds = new Map<string, number>();
  if (slo.dashboard) {
    const d = sloDashboard({
      uid,
      folder: ctx.stack.name,
      stack: ctx.stack.name,
      service,
      slo: slo.name,
      objective: formatNumber(objective),
      objectiveRatio: objective.div(100, 12).toNumber(),
      budget: budget.toNumber(),
      window: windowName(period),
      reporting: reporting.map(windowName),
      alertWindows: pairs.map((p) => ({ long: windowName(p.long), short: windowName(p.short), factor: p.factor.toNumber() })),
      groupBy: g,
      ratio: (w, s) => ([period, ...reporting].includes(durationMs(w)) ? `slo:sli_error:ratio_rate${w}${s}` : windowRatio(durationMs(w), s, readWindows)),
      remaining: (w, s) => remainingExpr(w, s),
      datasource: ctx.datasource,
      source: path,
    });
    out.dashboards.push(d.file);
    panelIds = d.panelIds;
  }
  const linkTo = (panel: string) => (slo.dashboard ? ctx.dashboardUrl(uid, panelIds.get(panel)) : undefined);

  // --- recording rules: the SLO's own reads (5m, the page's short window and 6h, from the raw
  // counters), then the levels and budgets every SLO shares. Only increases are recorded (and
  // the SLO and reporting windows' ratios): every other window's ratio is summed where it is
  // read (the alerts, the dashboard), so an SLO records 2 series per read and per level.
  const main: Rule[] = [];
  for (const w of readWindows) for (const [name, expr] of ownReads(sli, w, g, sel)) main.push(rec(name, expr));
  const windowIncrease = (side: string, w: number, selector: string) => windowIncrease_(side, w, selector, readWindows);
  const burnLink = linkTo(SLO_PANELS.burnRate);
  const link = burnLink ? sharedLink(burnLink, uid, dashboardUid(ctx.stack.name, 'slo'), service, slo.name) : undefined;
  const policy = pairs.length && sharesBurnRules(slo) ? burnPolicyId(slo, pairs, [...g].sort(), readWindows) : undefined;
  const infoLabels = info(slo, objective, sli.kind, burnLink);
  // Shared by every SLO of the stack (synth keeps one copy of each rule): they read only
  // recorded series, so one rule serves all SLOs (their slo/service and grouping labels pass through).
  const budgetRules: Rule[] = [
    // The objective rides on the budget (they are one number): the shared alerts bring it along
    // (`group_left (objective)`) for their annotations, with no query at each evaluation.
    rec('slo:error_budget:ratio', `vector(${formatNumber(budget)})`, { objective: formatNumber(objective), ...(policy ? { burn_policy: policy } : {}) }),
    rec('obsgen_slo_info', 'vector(1)', infoLabels),
  ];
  for (const w of [period, ...reporting]) budgetRules.push(shared(`slo:sli_error:ratio_rate${windowName(w)}`, windowRatio(w, '', readWindows)));

  // --- alerts
  const alertName = slo.alerting.name ?? `${pascalCase(service)}${pascalCase(slo.name)}BudgetBurn`;
  const describeTarget = `${service} SLO ${slo.name} (${formatNumber(objective)}% over ${slo.window})`;
  const remainingQuery = (labels: Labels) => remainingExpr(windowName(period), `{${Object.entries({ ...labels }).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}`);
  const remainingTemplate = remainingBudgetTemplate(windowName(period), ruleLabels, g);
  const groupValues = groupValuesFor(slo);
  const outLabels: Labels = { ...groupValues, ...ruleLabels };
  // Alerts without generated scenarios are said so here, at the SLO, once: the build's
  // missing-tests check would otherwise blame the (possibly shared) alert rule.
  const probe = sliInputs(slo, target.http, [{ minutes: 1, total: 1, bad: 0 }], groupValues, outLabels);
  const untested = typeof probe === 'string' ? `obsgen cannot write test series for this SLO's SLI: ${probe}` : undefined;
  if (untested && (!slo.alerting.disabled || slo.alerting.noData)) {
    ctx.diag.warn(`${path}.sli`, 'slo-no-scenarios', `${untested}; its burn-rate alerts ship without generated tests`, {
      hint: 'use plain selectors whose matchers some series can satisfy (=, !=, and regexes such as "a|b" or "5.."), with the good or bad selector a subset of total',
    });
  }
  const sharedRemainingTemplate = remainingBudgetTemplate(windowName(period), {}, [...g, 'service', 'slo']);
  const sloRunbook = (f: string, long: string, short: string, spent: string): AlertRule['runbook'] => ({
    meaning: `${describeTarget} is spending its error budget faster than it can afford: ${sli.describe} are at least ${f} times the share the objective allows, over both ${long} and ${short}. Each pair fires at its own speed: fast burns page, slow burns open a ticket.`,
    impact: `Users see failures now. If the burn goes on, the ${slo.window} objective is missed: a burn at the pair's threshold (${f}x) spends ${spent}% of the budget every ${long}, a faster one more (the alert's burn_rate annotation is the measured rate).`,
    diagnosis: [
      { title: `Error ratio over ${long}`, query: windowRatio(durationMs(long), sel, readWindows) },
      { title: `Error ratio over ${short}`, query: windowRatio(durationMs(short), sel, readWindows) },
      { title: 'Budget left', query: remainingExpr(windowName(period), sel) },
      { title: 'Events in the last 5m', query: `slo:sli_total:increase5m${sel}` },
    ],
    mitigation: BURN_MITIGATION,
  });
  const alerts: AlertRule[] = pairs.map((p): AlertRule => {
    const long = windowName(p.long);
    const short = windowName(p.short);
    const f = formatNumber(p.factor);
    const b = formatNumber(budget);
    const spent = formatNumber(p.budgetPercent);
    if (policy) {
      const budgetSel = `slo:error_budget:ratio{burn_policy="${policy}"}`;
      return {
        kind: 'alert',
        name: SHARED_BURN_ALERT,
        // The windows' ratios are summed here from the recorded increases (not recorded themselves).
        expr: `(${windowRatio(p.long, '', readWindows)}) / on (service, slo) group_left (objective) ${budgetSel} > ${f}\nand\n(${windowRatio(p.short, '', readWindows)}) / on (service, slo) group_left (objective) ${budgetSel} > ${f}`,
        // burn_policy tells the rules of two policies apart (the same pair windows and severity
        // would otherwise be one alert name and label set twice, a duplicate to promtool).
        labels: { severity: p.severity, burn_policy: policy, long_window: long, short_window: short },
        seriesLabels: ['service', 'slo', 'objective', ...g],
        annotations: {
          summary: `{{ $labels.service }}: SLO {{ $labels.slo }} ${burnSummary(long, short, f)}`,
          description: `{{ $labels.service }} SLO {{ $labels.slo }} ({{ $labels.objective }}% over ${slo.window}): ${burnDescription(long, short, f, spent, slo.window)} Budget left over ${slo.window}: ${sharedRemainingTemplate}.`,
          burn_rate: '{{ $value | printf "%.2f" }}',
          remaining_budget: sharedRemainingTemplate,
          runbook_url: ctx.runbookUrl(SHARED_BURN_ALERT),
          // Written from the alert's labels (an SLO with a hashed dashboard uid: a case of its own): no query.
          ...(link ? { dashboard_url: link.template } : {}),
        },
        runbook: {
          meaning: `The SLO named by the alert's \`service\` and \`slo\` labels is spending its error budget at least as fast as the pair's factor: over both the long and the short window (labels \`long_window\`, \`short_window\`) its error ratio is that many times what the objective allows. Fast burns page, slow burns open a ticket. One rule per pair covers every SLO with the same windows and pairs (label \`burn_policy\` on \`slo:error_budget:ratio\`).`,
          impact: 'Users see failures now. If the burn goes on, the SLO misses its objective: the description says how much of the budget each long window of this burn spends, and how much is left.',
          diagnosis: [
            { title: 'Errors and events over each read window (put in the alert\'s service and slo)', query: '{__name__=~"slo:sli_(error|total):increase.*",service="<service>",slo="<slo>"}' },
            { title: `Budget left over ${slo.window}`, query: remainingExpr(windowName(period), '{service="<service>",slo="<slo>"}') },
            { title: 'Events in the last 5m', query: 'slo:sli_total:increase5m{service="<service>",slo="<slo>"}' },
            { title: 'What the SLO is (objective, window, SLI, owner, dashboard)', query: 'obsgen_slo_info{service="<service>",slo="<slo>"}' },
          ],
          mitigation: BURN_MITIGATION,
        },
        tests: [],
        ...(link?.own ? { cases: [{ match: { service, slo: slo.name }, annotations: { dashboard_url: link.own } }] } : {}),
        source: p.path,
        tierOf: SLO_ALERTS,
      };
    }
    let expr = `(${windowRatio(p.long, sel, readWindows)}) / ${b} > ${f}\nand ${on(g)}\n(${windowRatio(p.short, sel, readWindows)}) / ${b} > ${f}`;
    if (slo.alerting.minEvents > 0) expr += `\nand ${on(g)}\n${windowIncrease('sli_total', p.long, sel)} >= ${formatNumber(slo.alerting.minEvents)}`;
    return {
      kind: 'alert',
      name: alertName,
      expr,
      labels: { severity: p.severity, ...(slo.alerting.labels ?? {}), ...ruleLabels, long_window: long, short_window: short },
      annotations: {
        summary: `${service}: SLO ${slo.name} ${burnSummary(long, short, f)}`,
        description: `${describeTarget}: ${burnDescription(long, short, f, spent, slo.window)} Budget left over ${slo.window}: ${remainingTemplate}.`,
        burn_rate: '{{ $value | printf "%.2f" }}',
        remaining_budget: remainingTemplate,
        runbook_url: ctx.runbookUrl(alertName),
        ...(linkTo(SLO_PANELS.burnRate) ? { dashboard_url: linkTo(SLO_PANELS.burnRate)! } : {}),
      },
      runbook: sloRunbook(f, long, short, spent),
      tests: [],
      source: p.path,
      tierOf: SLO_ALERTS,
    };
  });
  const scenarioCtx: ScenarioCtx = { slo, target, budget, outLabels, alertLabels: policy ? { ...outLabels, objective: formatNumber(objective) } : outLabels, groupValues, remainingQuery, sel, path, rawWindows: sli.reads ? readWindows : [5 * M], ...(policy ? { home: group } : {}) };
  const exprTests = alerts.length ? attachScenarios(alerts, pairs, scenarioCtx) : [];
  if (untested) for (const a of alerts) a.untested = untested;
  if (!policy) main.push(...alerts);

  const nd = noDataPolicy(slo);
  if (nd) {
    const name = `${alertName.replace(/BudgetBurn$/, '')}SLONoData`;
    const waitFor = formatDuration(Math.max(2 * M, 2 * durationMs(target.scrapeInterval)));
    main.push({
      kind: 'alert',
      name,
      // Over a range, not `absent()` with a long `for:`: the range reads the recorded history,
      // which a restart keeps, while `for:` state is lost on a restart (Prometheus restores it
      // from ALERTS_FOR_STATE only for a `for:` longer than --rules.alert.for-grace-period, 10m).
      // So a Prometheus that restarts every few minutes still pages after `waitFor`.
      expr: `absent_over_time(slo:sli_total:increase5m${sel}[${nd.for}])`,
      for: waitFor,
      labels: { severity: nd.severity, ...(slo.alerting.labels ?? {}), ...ruleLabels },
      annotations: {
        summary: `${service}: SLO ${slo.name} has no data`,
        description: `The SLI of ${describeTarget} has recorded no events (not even zero) for ${nd.for} and ${waitFor}: the metrics are gone or renamed, or the target is not scraped. The SLO reads as meeting its objective and its burn-rate alerts cannot fire meanwhile.`,
        runbook_url: ctx.runbookUrl(name),
      },
      runbook: {
        meaning: `No 5m SLI total was recorded for ${describeTarget} for ${nd.for} and ${waitFor}: its series are absent. Zero traffic does not fire this (the total is then 0, not absent).`,
        impact: 'The SLO is blind: its budget stops moving and its burn-rate alerts cannot fire, so an outage would go unnoticed.',
        diagnosis: [
          { title: 'Recorded totals', query: `slo:sli_total:increase5m${sel}` },
          { title: 'What the SLO reads', query: sli.reads ? sli.reads.total.selector : `slo:sli_error:increase5m${sel}` },
        ],
        mitigation: [
          'Check that the target is scraped (up) and still exposes the SLI metrics under the same names and labels; a renamed metric or label needs the SLO definition updated.',
          'To turn this alert off for an SLO that may legitimately have no series, set alerting.noData: false.',
        ],
      },
      tests: noDataScenarios(slo, target, durationMs(nd.for) + durationMs(waitFor), outLabels, groupValues),
      ...(untested ? { untested } : {}),
      source: slo.alerting.noData ? `${path}.alerting.noData` : `${path}.alerting`,
      tierOf: SLO_ALERTS,
    });
  }
  // Expression checks: zero traffic records nothing (no NaN or Inf anywhere).
  const zeroInputs = sliInputs(slo, target.http, [{ minutes: 40, total: 0, bad: 0 }], groupValues, outLabels);
  const zero = typeof zeroInputs === 'string' ? [] : zeroInputs;
  (main[0] as RecordingRule).tests = [
    {
      name: 'zero traffic records no ratio and no budget (no NaN)',
      series: zero.length && !('availability' in slo.sli) && !('ratio' in slo.sli) ? zero : [{ series: 'obsgen_test_placeholder', values: '0x40' }],
      checks: [
        ...[...new Set([5 * M, ...alertWindows])].map((w) => ({ at: '30m', expr: windowRatio(w, sel, readWindows), samples: [] })),
        { at: '30m', expr: `slo:sli_error:ratio_rate${windowName(period)}${sel}`, samples: [] },
        { at: '30m', expr: remainingExpr(windowName(period), sel), samples: [] },
      ],
    },
    ...exprTests,
  ];

  out.ruleGroups.push({
    name: group,
    rules: main,
    source: path,
    ...(sli.reads ? { sloReads: { service, slo: slo.name, groupBy: g, kind: sli.kind, reads: sli.reads, windows: readWindows.map(windowName) } } : {}),
  });
  if (needsLevel(ratioWindows, 'level1h')) {
    out.ruleGroups.push({ name: 'slo-level-1h', interval: '5m', rules: ['sli_error', 'sli_total'].map((side) => shared(`slo:${side}:level1h`, levelExpr(side, 'level1h', ''))), source: path, shared: true });
  }
  if (needsLevel(ratioWindows, 'level1d')) {
    out.ruleGroups.push({ name: 'slo-level-1d', interval: '1h', rules: ['sli_error', 'sli_total'].map((side) => shared(`slo:${side}:level1d`, levelExpr(side, 'level1d', ''))), source: path, shared: true });
  }
  out.ruleGroups.push({ name: 'slo-budget', interval: '1m', rules: budgetRules, source: path, shared: true });
  // Shared pair rules, after the windows they read; their scenarios run in this SLO's test file.
  if (policy) out.ruleGroups.push({ name: 'slo-alerts', rules: alerts, source: path, shared: true });

  // --- inhibit rules: a firing page silences the slower tiers of the same SLO
  const sorted = pairs.map((p, i) => ({ p, i })).sort((a, b) => a.p.long - b.p.long);
  sorted.forEach(({ p }, k) => {
    if (p.severity !== 'critical') return;
    const slower = sorted.slice(k + 1).map((x) => windowName(x.p.long)).filter((w) => w !== windowName(p.long));
    if (!slower.length) return;
    // Shared rules: one inhibit rule per tier for every SLO of the policy (equal on service and
    // slo keeps it within one SLO; identical rules from each SLO are merged). A source must be a
    // page, so another policy's ticket with the same long window never mutes anything.
    const name = policy ? SHARED_BURN_ALERT : alertName;
    const own: Matcher[] = policy ? [{ name: 'severity', op: '=', value: p.severity }] : [{ name: 'slo', op: '=', value: slo.name }];
    const rule: InhibitRule = {
      sourceMatchers: [{ name: 'alertname', op: '=', value: name }, ...own, { name: 'long_window', op: '=', value: windowName(p.long) }],
      targetMatchers: [
        { name: 'alertname', op: '=', value: name },
        ...(policy ? [] : own),
        { name: 'long_window', op: '=~', value: [...new Set(slower)].join('|') },
      ],
      equal: ['service', 'slo', ...(policy ? [...g].sort() : g)],
      source: p.path,
    };
    out.inhibitRules.push(rule);
  });
  return out;
}

/**
 * `remaining_budget`: a query of the SLO's budget series at notification time, with the labels
 * in `fixed` written in and those in `fromAlert` taken from the alert's own labels.
 */
/**
 * The summary of a burn-rate page: the measured burn rate (the alert's value, the long
 * window's error ratio over the budget), and the pair's factor named as the threshold it is.
 * (It printed the factor as the burn rate: "14.4x too fast" while 20% errors burn 200x.)
 */
function burnSummary(long: string, short: string, factor: string): string {
  return `is burning its error budget {{ $value | printf "%.2f" }}x as fast as the objective allows over ${long} (threshold ${factor}x over ${long} and ${short})`;
}

/** What the burn means: measured rate, the pair's threshold and what that threshold spends. */
function burnDescription(long: string, short: string, factor: string, spent: string, window: string): string {
  return `over the last ${long} the error ratio is {{ $value | printf "%.2f" }}x what the objective allows, and the last ${short} confirms it. The ${long}/${short} pair fires above ${factor}x, a burn that spends ${spent}% of the ${window} error budget in ${long}.`;
}

function remainingBudgetTemplate(window: string, fixed: Labels, fromAlert: string[]): string {
  const matchers = [...Object.entries(fixed).map(([k, v]) => [k, JSON.stringify(v)] as const), ...fromAlert.map((l) => [l, '"%s"'] as const)].sort(([a], [b]) => a.localeCompare(b));
  const query = remainingExpr(window, `{${matchers.map(([k, v]) => `${k}=${v}`).join(',')}}`);
  // Guarded: on a fresh Prometheus the budget series lags the burn alerts (it reads the whole
  // window), and `first` on its empty result would print a template error into the page.
  const guard = (pipeline: string) => `{{ with ${pipeline} }}{{ . | first | value | humanizePercentage }}{{ else }}${BUDGET_UNKNOWN}{{ end }}`;
  if (!fromAlert.length) return guard(`query \`${query}\``);
  const args = matchers.filter(([k]) => fromAlert.includes(k)).map(([k]) => `$labels.${k}`).join(' ');
  return guard(`printf \`${query}\` ${args} | query`);
}

/**
 * The share of the budget left over window `w` (1 at no errors, 0 when spent, below 0 when
 * overspent), from the recorded window ratio and the SLO's budget: not recorded itself (one
 * series fewer per window), the dashboard and the alerts' annotation compute it.
 */
export function remainingExpr(w: string, sel: string): string {
  return `1 - slo:sli_error:ratio_rate${w}${sel} / on (service, slo) group_left () slo:error_budget:ratio`;
}

/** What the remaining-budget annotation says before the budget series exists. */
export const BUDGET_UNKNOWN = 'not known yet (no budget series)';


/**
 * The SLO's own recorded reads over `w` (5m, the page's short window, 6h), as [name, expr]:
 * total and error events. No bad events yet gives 0 where (and only where) there is a total, so
 * both sides have the same samples: the windows average each side's samples (`vector(0)` would
 * add zeros where the total has none and bias every window's ratio down).
 */
function ownReads(sli: SliExprs, w: number, g: string[], sel: string): [string, string][] {
  const n = windowName(w);
  if (!sli.reads) {
    // Raw ratios count one event per evaluation: there are no counters to read over longer
    // windows, so those sum the SLO's recorded 5m series.
    if (w !== 5 * M) return ['sli_error', 'sli_total'].map((side) => [`slo:${side}:increase${n}`, increaseExpr(side, w, sel)]);
    return [
      ['slo:sli_error:increase5m', sli.bad!],
      ['slo:sli_total:increase5m', `slo:sli_error:increase5m${sel} * 0 + 1`],
    ];
  }
  const r = sli.reads;
  return countRules(n, readExpr(r.total, n, g), r.bad && readExpr(r.bad, n, g), r.good && readExpr(r.good, n, g), sel.slice(0, -1), on(g));
}

function info(slo: SloBody, objective: Decimal, kind: string, dashboardUrl: string | undefined): Labels {
  const out: Labels = { objective: formatNumber(objective), window: slo.window, sli: kind };
  if (slo.owner) out.owner = slo.owner;
  if (slo.description) out.description = slo.description;
  // The shared burn-rate alerts link to the SLO's dashboard through this label.
  if (dashboardUrl) out.dashboard_url = dashboardUrl;
  return out;
}

interface ScenarioCtx {
  slo: SloBody;
  target: SloTarget;
  budget: Decimal;
  outLabels: Labels;
  /** The labels of the SLO's burn-rate alerts (the shared rules add the objective). */
  alertLabels: Labels;
  groupValues: Labels;
  remainingQuery: (labels: Labels) => string;
  sel: string;
  path: string;
  /** The SLO's own group, when the alerts are shared rules tested from there. */
  home?: string;
  /** Windows read from the raw counters (exact edges, as rate()). */
  rawWindows: number[];
}

const BURN_MITIGATION = [
  'Find what changed when the burn started (deploys, config, traffic, dependencies) and roll it back.',
  'A page that stops within the short window after a fix needs no further action; the slower ticket tiers stay quiet while the page fires (inhibit rules).',
  'If the budget is exhausted, freeze risky changes until it recovers, as the SLO policy says.',
];

/** Requests per minute in scenarios: whole numbers so every increase is exact. */
const T = 100_000;

/**
 * Scenarios per pair, spread over the pair rules (they share one alert name, so every
 * check lists every pair firing at that time):
 * - steady burns from the start at 0.9x and 1.1x the pair's factor: the pair stays quiet,
 *   then fires (with every pair whose factor is lower);
 * - a total outage from the start fires every pair;
 * - zero traffic fires nothing.
 * Detection and reset after a healthy warm-up are checked on ALERTS (expression tests).
 */
function attachScenarios(alerts: AlertRule[], pairs: ResolvedPair[], c: ScenarioCtx): ExprScenario[] {
  const b = c.budget.toNumber();
  const minT = Math.max(T, Math.ceil(c.slo.alerting.minEvents));
  const steady = (bad: number, total = minT): Phase[] => [{ minutes: 40, total, bad }];
  const firingAt = (ratio: number, carrier: number) =>
    pairs
      .map((p, j) => ({ p, j }))
      .filter(({ p }) => ratio / b > p.factor.toNumber() && ratio > 0)
      .map(({ j }) => ({
        labels: c.alertLabels,
        value: ratio / b,
        queries: { [c.remainingQuery(c.outLabels)]: 1 - ratio / b },
        // (The SLO's own values where the shared rule's annotation has a case for it.)
        ...(j !== carrier ? { rule: { labels: alerts[j]!.labels, annotations: { ...alerts[j]!.annotations, ...alerts[j]!.cases?.[0]?.annotations } } } : {}),
      }));
  const scenario = (name: string, phases: Phase[], at: string, carrier: number): AlertScenario | undefined => {
    const series = sliInputs(c.slo, c.target.http, phases, c.groupValues, c.outLabels);
    if (typeof series === 'string') return undefined;
    const ph = phases[0]!;
    const ratio = ph.total === 0 ? 0 : ph.bad / ph.total;
    return { name, series, checks: [{ at, firing: ph.total === 0 ? [] : firingAt(ratio, carrier) }], ...(c.home ? { home: c.home } : {}) };
  };
  // Gauges and raw ratios judge the first sample already: there is no quiet first step.
  const gaugeLike = 'ratio' in c.slo.sli || 'availability' in c.slo.sli;
  pairs.forEach((p, i) => {
    const f = p.factor.toNumber();
    const tests: AlertScenario[] = [];
    const under = Math.floor(0.9 * f * b * minT);
    const over = Math.min(minT, Math.ceil(1.1 * f * b * minT));
    const s1 = scenario(`${windowName(p.long)}/${windowName(p.short)}: a burn at 0.9x its factor ${formatNumber(p.factor)} does not fire it`, steady(under), '30m', i);
    const s2 = scenario(`${windowName(p.long)}/${windowName(p.short)}: a burn at 1.1x its factor fires it`, steady(over), '30m', i);
    // Before the first samples nothing can fire; at 30m the pair must be absent from the firing list.
    if (s1) tests.push(gaugeLike ? s1 : { ...s1, checks: [{ at: '0m', firing: [] }, ...s1.checks] });
    if (s2) tests.push(s2);
    if (i === 0) {
      const s3 = scenario('a total outage fires every pair', steady(minT), '10m', i);
      if (s3) tests.push(s3);
    }
    if (i === 0 || gaugeLike) {
      // (Gauge and raw-ratio SLIs have no quiet start, so each pair gets its own quiet scenario.)
      const s4 = scenario('zero traffic fires nothing', steady(0, 0), '30m', i);
      if (s4) tests.push(s4);
    }
    alerts[i]!.tests = tests;
  });
  // Detection and reset after a healthy warm-up, through ALERTS.
  const first = alerts[0]!;
  const exprTests: ExprScenario[] = [];
  pairs.forEach((p) => {
    // Pages only: the ticket tiers' 1d-3d warm-ups would cost promtool minutes; their thresholds are covered above.
    if (p.severity !== 'critical' || p.long > 6 * 60 * M) return;
    const f = p.factor.toNumber();
    const detect = (p.long / M) * f * b; // minutes for a total outage to lift the long window's ratio to the factor
    const warm = p.long / M;
    const outage = Math.ceil(detect + 1e-9) + 3;
    const recovery = p.short / M + 5;
    const phases: Phase[] = [
      { minutes: warm, total: T, bad: 0 },
      { minutes: outage, total: T, bad: T },
      { minutes: recovery, total: T, bad: 0 },
    ];
    const series = sliInputs(c.slo, c.target.http, phases, c.groupValues, c.outLabels);
    if (typeof series === 'string') return;
    // The exact-window answer: the first step at which rate() over both windows is above the
    // threshold, and the first step after it at which it is not. The groups of a step run in
    // order (group_eval_order), so the rules must fire at that step or one evaluation later.
    const exact = exactFiring(phases, p.long / M, p.short / M, p.factor.mul(c.budget));
    const end = warm + outage + recovery;
    let fireAt = warm;
    while (fireAt <= end && !exact(fireAt)) fireAt++;
    let stopAt = fireAt;
    while (stopAt <= end && exact(stopAt)) stopAt++;
    if (fireAt > end || stopAt > end) return;
    // A short window summed from 5m tiles weighs the tile that holds the recovery's start until
    // the tile's centre leaves the window: up to 2m30s after rate() over the window drops.
    const tileEdge = p.short === 5 * M || c.rawWindows.includes(p.short) ? 0 : 3;
    const alertsSel = `ALERTS{alertname="${first.name}",alertstate="firing",long_window="${windowName(p.long)}",slo="${c.slo.name}",service="${c.target.service}"}`;
    const count = (at: number, firing: boolean) => ({ at: formatDuration(at * M), expr: `count(${alertsSel})`, samples: firing ? [{ labels: '{}', value: 1 }] : [] });
    // A long window summed from 5m tiles counts the outage's first minutes up to a fraction of a
    // minute early (the newest body tile overlaps the tail): it may fire one evaluation before
    // rate() does, never two. A window read raw is what rate() reads.
    const early = p.long === 5 * M || c.rawWindows.includes(p.long) ? 0 : 1;
    // Within one evaluation of the exact windows, under both semantics the tests run on:
    // promtool 2.x reads a window closed, [t - W, t], Prometheus 3 (obsgen's engine) left-open,
    // (t - W, t]. On these minute-aligned samples a counter's increase() in 2.x is the exact
    // answer and in 3.x the last W - 1 minutes extrapolated to W (the ratio of a growing or
    // shrinking burn crosses the threshold at the same step or one before); a gauge's
    // count_over_time() is exact in 3.x and one sample longer in 2.x (the same step or one
    // after). So the page must not fire two steps before the exact answer, must fire one step
    // after it, must still fire two steps before the exact answer stops and be gone one step
    // after (plus the tile edge of a short window summed from tiles).
    const checks = [count(fireAt - 2 - early, false), count(fireAt + 1, true), count(stopAt - 2, true), count(stopAt + 1 + tileEdge, false)];
    exprTests.push({
      name: `${windowName(p.long)}/${windowName(p.short)}: a total outage after ${windowName(p.long)} of health fires within one evaluation of the exact windows (${formatDuration((fireAt - warm) * M)} in) and resets within ${tileEdge ? `${tileEdge}m and ` : ''}one evaluation of them (${formatDuration((stopAt - warm - outage) * M)} after recovery)`,
      series,
      checks,
    });
  });
  void c.path;
  return exprTests;
}

/** The no-data alert's defaults: on unless alerting is disabled or `noData: false`. */
export const NO_DATA_DEFAULT = { for: '5m', severity: 'warning' } as const;

function noDataPolicy(slo: SloBody): { for: string; severity: Severity } | undefined {
  const nd = slo.alerting.noData;
  if (nd === false) return undefined;
  if (nd === undefined) return slo.alerting.disabled ? undefined : NO_DATA_DEFAULT;
  return nd;
}

/**
 * The no-data alert fires once the SLI's series have been gone for its window and `for:`
 * (`delay`), after the 5m total has run out (the last samples stay in the 5m range for 5m), and
 * stays quiet while the series exist, even with no traffic (every total is then 0).
 */
function noDataScenarios(slo: SloBody, target: SloTarget, delay: number, outLabels: Labels, groupValues: Labels): AlertScenario[] {
  const live = 20;
  const after = live + 5 + Math.ceil(delay / M) + 1;
  const steps = after + 5;
  const at = formatDuration(after * M);
  // absent_over_time gives the selector's `=` labels: service and slo (not the grouping labels).
  const labels = { service: target.service, slo: slo.name };
  const tests: AlertScenario[] = [];
  const before = sliInputs(slo, target.http, [{ minutes: live, total: T, bad: 0 }], groupValues, outLabels);
  const full = sliInputs(slo, target.http, [{ minutes: steps, total: T, bad: 0 }], groupValues, outLabels);
  if (typeof before !== 'string' && typeof full !== 'string') {
    // The SLI's series end at 20m; from 21m the same traffic goes on under another metric name.
    const renamed = full.map((s) => ({ series: s.series.replace(/^([a-zA-Z_:][a-zA-Z0-9_:]*)/, '$1_renamed'), values: `${'_ '.repeat(live + 1)}${continued(s.values, live + 1, steps - live - 1)}` }));
    tests.push({
      name: 'fires when the SLI\'s metric is renamed',
      series: [...before, ...renamed],
      checks: [
        { at: formatDuration((live + 5) * M), firing: [] },
        // Absent from 30m (the last 5m total at 24m, out of the range 5m later), pending for `for:`;
        // in Prometheus 3 two steps earlier (the 5m read and the absent range are left-open).
        { at: formatDuration((after - 4) * M), firing: [] },
        { at, firing: [{ labels, value: 1 }] },
      ],
    });
  } else {
    tests.push({
      name: 'fires when the SLI has no series',
      series: [{ series: 'obsgen_test_placeholder', values: `0x${steps}` }],
      checks: [{ at, firing: [{ labels, value: 1 }] }],
    });
  }
  const idle = sliInputs(slo, target.http, [{ minutes: steps, total: 0, bad: 0 }], groupValues, outLabels);
  if (typeof idle !== 'string') tests.push({ name: 'stays quiet with no traffic while the series exist', series: idle, checks: [{ at, firing: [] }] });
  const busy = sliInputs(slo, target.http, [{ minutes: steps, total: T, bad: 0 }], groupValues, outLabels);
  if (typeof busy !== 'string') tests.push({ name: 'stays quiet with traffic', series: busy, checks: [{ at, firing: [] }] });
  return tests;
}

/** A one-phase series (`0+Nx...` counter or `Vx...` gauge) from step `from` on, `more` steps after it. */
function continued(values: string, from: number, more: number): string {
  const counter = /^0\+(\S+)x\d+$/.exec(values);
  if (counter) return `${Number(counter[1]) * from}+${counter[1]}x${more}`;
  return `${values.replace(/x\d+$/, '')}x${more}`;
}
