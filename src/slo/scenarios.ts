/**
 * Input series for generated SLO tests: given good and bad events per minute, the raw
 * series an SLI reads (request counters, histogram buckets, event counters, a gauge), or
 * for raw-ratio SLIs the recorded 5m series itself.
 */
import { leLabel } from '../alerts/histogram.ts';
import { Decimal } from '../core/decimal.ts';
import { durationMs } from '../core/duration.ts';
import { seriesSelector } from '../alerts/series.ts';
import type { InputSeries, Labels } from '../core/model.ts';
import { parsePromQL, selectors } from '../core/promql.ts';
import type { SloBody } from './schema.ts';
import type { HttpDefaults } from './sli.ts';

/** A piece of a scenario: `minutes` steps at `total` events/min of which `bad` fail. */
export interface Phase {
  minutes: number;
  total: number;
  bad: number;
}

/** A counter through phases in expanding notation, e.g. `0+100x60 6000+0x10`. */
export function counterPhases(phases: Phase[], pick: (p: Phase) => number): string {
  const parts: string[] = [];
  let value = 0;
  phases.forEach((p, i) => {
    const per = pick(p);
    // The first phase starts at 0; later ones continue from where the previous one ended.
    const start = i === 0 ? 0 : value + per;
    const steps = i === 0 ? p.minutes : p.minutes - 1;
    if (steps < 0) return;
    parts.push(`${start}+${per}x${steps}`);
    value = start + per * steps;
  });
  return parts.join(' ');
}

/** A gauge through phases, e.g. `1x60 0x10`. */
export function gaugePhases(phases: Phase[], pick: (p: Phase) => number): string {
  return phases
    .map((p, i) => `${pick(p)}x${i === 0 ? p.minutes : p.minutes - 1}`)
    .join(' ');
}

interface Matcher {
  name: string;
  op: string;
  value: string;
}

function matchersOf(selector: string): { metric: string; matchers: Matcher[] } {
  const sel = selectors(parsePromQL(selector))[0];
  if (!sel?.metric) throw new Error(`cannot read a metric name from ${selector}`);
  return { metric: sel.metric, matchers: sel.matchers.filter((m) => m.name !== '__name__') };
}

function matches(m: Matcher, value: string): boolean {
  switch (m.op) {
    case '=':
      return value === m.value;
    case '!=':
      return value !== m.value;
    case '=~':
      return new RegExp(`^(?:${m.value})$`).test(value);
    default:
      return !new RegExp(`^(?:${m.value})$`).test(value);
  }
}

const CANDIDATES = ['500', '503', '200', 'error', 'ok', 'true', 'false', '1', '0', 'success', 'failure', 'x', 'y'];

/** Labels that satisfy every matcher (and, with `avoid`, fail at least one of those). */
function labelsFor(matchers: Matcher[], avoid?: Matcher[]): Labels | undefined {
  const out: Labels = {};
  for (const m of matchers) {
    if (m.op === '=') out[m.name] = m.value;
    else {
      const plain = m.op === '=~' ? m.value.split('|')[0]! : '';
      const v = [plain, ...CANDIDATES].find((c) => c !== '' && matches(m, c));
      if (v === undefined) return undefined;
      out[m.name] = v;
    }
  }
  if (avoid) {
    // Change (or add) one label so the series is outside `avoid`.
    for (const a of avoid) {
      const cands = [...CANDIDATES, 'other'];
      const v = cands.find((c) => !matches(a, c) && (matchers.filter((m) => m.name === a.name).every((m) => matches(m, c))));
      if (v !== undefined) return { ...out, [a.name]: v };
    }
    return undefined;
  }
  return out;
}

function selectorMatches(matchers: Matcher[], labels: Labels): boolean {
  return matchers.every((m) => matches(m, labels[m.name] ?? ''));
}

/**
 * The input series making `phases` happen for this SLO, with grouping labels set to
 * `groupValues`. Returns undefined when obsgen cannot synthesise inputs for a selector.
 */
export function sliInputs(slo: SloBody, http: HttpDefaults | undefined, phases: Phase[], groupValues: Labels, recorded: Labels): InputSeries[] | undefined {
  const sli = slo.sli;
  if ('errorRatio' in sli && http) {
    const codes = sli.errorRatio.errorCodes ?? http.errorCodes;
    const re = new RegExp(`^(?:${codes})$`);
    const errCode = ['500', '503', '502', '504', '429', '400', '404'].find((c) => re.test(c)) ?? '500';
    const okCode = ['200', '204', '302', '201'].find((c) => !re.test(c)) ?? '200';
    return [
      { series: seriesSelector(http.requests, { ...groupValues, job: http.job, [http.codeLabel]: okCode }), values: counterPhases(phases, (p) => p.total - p.bad) },
      { series: seriesSelector(http.requests, { ...groupValues, job: http.job, [http.codeLabel]: errCode }), values: counterPhases(phases, (p) => p.bad) },
    ];
  }
  if ('latency' in sli) {
    const l = sli.latency;
    const histogram = l.histogram ?? http?.duration;
    if (!histogram) return undefined;
    const base: Labels = { ...groupValues };
    if (l.matchers !== undefined) {
      const m = matchersOf(`x{${l.matchers}}`);
      const lbl = labelsFor(m.matchers);
      if (!lbl) return undefined;
      Object.assign(base, lbl);
    } else if (http) base.job = http.job;
    const le = Decimal.from(durationMs(l.below)).div(1000).toNumber();
    return [
      { series: seriesSelector(`${histogram}_bucket`, { ...base, le: leLabel(le) }), values: counterPhases(phases, (p) => p.total - p.bad) },
      { series: seriesSelector(`${histogram}_bucket`, { ...base, le: '+Inf' }), values: counterPhases(phases, (p) => p.total) },
      { series: seriesSelector(`${histogram}_count`, base), values: counterPhases(phases, (p) => p.total) },
    ];
  }
  if ('events' in sli) {
    const e = sli.events;
    const total = matchersOf(e.total);
    const part = matchersOf((e.bad ?? e.good)!);
    const partLabels = labelsFor(part.matchers);
    if (!partLabels) return undefined;
    const partCount = (p: Phase) => (e.bad ? p.bad : p.total - p.bad);
    const partLbl = { ...groupValues, ...partLabels };
    const partInTotal = part.metric === total.metric && selectorMatches(total.matchers, partLbl);
    const restLabels = partInTotal ? labelsFor(total.matchers, part.matchers) : labelsFor(total.matchers);
    if (!restLabels) return undefined;
    return [
      { series: seriesSelector(part.metric, partLbl), values: counterPhases(phases, partCount) },
      { series: seriesSelector(total.metric, { ...groupValues, ...restLabels }), values: counterPhases(phases, (p) => (partInTotal ? p.total - partCount(p) : p.total)) },
    ];
  }
  if ('availability' in sli) {
    const g = matchersOf(sli.availability.gauge);
    const lbl = labelsFor(g.matchers);
    if (!lbl) return undefined;
    // A mean availability per step (1 - bad share): the SLI is the share of good samples.
    return [{ series: seriesSelector(g.metric, { ...groupValues, ...lbl }), values: gaugePhases(phases, (p) => (p.total === 0 ? 1 : 1 - p.bad / p.total)) }];
  }
  if ('ratio' in sli) {
    // Raw expressions cannot be inverted: feed the recorded 5m error ratio the rules read.
    return [{ series: seriesSelector('slo:sli_error:increase5m', { ...groupValues, ...recorded }), values: gaugePhases(phases, (p) => (p.total === 0 ? 0 : p.bad / p.total)) }];
  }
  return undefined;
}
