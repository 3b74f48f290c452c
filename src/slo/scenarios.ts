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
import { matcherMatches, re2Examples, re2Regexp, type LabelMatcher } from '../core/re2.ts';
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

type Matcher = LabelMatcher;

/** A selector's metric and matchers, or why test inputs cannot be made for it. */
function matchersOf(selector: string): { metric: string; matchers: Matcher[] } | string {
  const sel = selectors(parsePromQL(selector))[0];
  if (!sel) return `${selector} is not a series selector`;
  if (!sel.metric) return `${selector} has no metric name obsgen can write a test series for`;
  const metric = sel.metric;
  // `{__name__="x"}` names the metric; any other matcher on it would have to hold for that name.
  const onName = sel.matchers.filter((m) => m.name === '__name__');
  if (!onName.every((m) => matcherMatches(m, metric))) return `${selector} matches no metric name obsgen can write`;
  return { metric, matchers: sel.matchers.filter((m) => m.name !== '__name__') };
}

const CANDIDATES = ['500', '503', '200', 'error', 'ok', 'true', 'false', '1', '0', 'success', 'failure', 'x', 'y', 'other'];

/**
 * A value for one label that every matcher of `must` accepts and every matcher of `mustNot`
 * refuses, `''` meaning the series does not carry the label (which is how Prometheus reads an
 * empty value). Candidates: the matchers' own literals and strings their regexes match
 * (re2Examples), then common label values, each checked with Prometheus's semantics
 * (fully anchored RE2). `prefer` goes first (values earlier versions picked, kept for
 * stable bundles). Undefined when none fits, or a regex cannot be evaluated.
 */
function valueFor(must: Matcher[], mustNot: Matcher[], prefer: string[] = []): string | undefined {
  const eq = must.find((m) => m.op === '=');
  const all = [...must, ...mustNot];
  const literals = all.filter((m) => m.op === '=' || m.op === '!=').map((m) => m.value);
  const examples = all.filter((m) => m.op.endsWith('~')).flatMap((m) => re2Examples(m.value));
  const candidates = eq ? [eq.value] : [...prefer, ...examples, ...literals, ...CANDIDATES, ...[...examples, ...literals].map((v) => `${v}x`), ''];
  return candidates.find((c) => must.every((m) => matcherMatches(m, c) === true) && mustNot.every((m) => matcherMatches(m, c) === false));
}

/** Why a matcher's regex cannot be evaluated, if it cannot. */
function unreadable(matchers: Matcher[]): string | undefined {
  for (const m of matchers) {
    if (!m.op.endsWith('~')) continue;
    const re = re2Regexp(m.value);
    if (typeof re === 'string') return `the regex of ${m.name}${m.op}${JSON.stringify(m.value)} ${re}`;
  }
  return undefined;
}

/**
 * Labels that satisfy every matcher of `matchers` with the labels in `fixed` as they are
 * (the SLO's grouping values), or undefined. The first `=~` branch goes first, as before.
 */
function labelsFor(matchers: Matcher[], fixed: Labels = {}): Labels | undefined {
  const out: Labels = {};
  for (const name of [...new Set(matchers.map((m) => m.name))]) {
    const on = matchers.filter((m) => m.name === name);
    if (name in fixed) {
      if (!on.every((m) => matcherMatches(m, fixed[name]!) === true)) return undefined;
      continue;
    }
    const re = on.find((m) => m.op === '=~');
    const v = valueFor(on, [], re ? [re.value.split('|')[0]!] : ['500']);
    if (v === undefined) return undefined;
    if (v !== '') out[name] = v;
  }
  return out;
}

/**
 * Labels matching `matchers` but not `avoid` (a series counted by the total and not by the
 * good or bad selector): one label of `avoid` is given a value its matcher refuses.
 */
function labelsAvoiding(matchers: Matcher[], avoid: Matcher[], fixed: Labels): Labels | undefined {
  for (const a of avoid) {
    if (a.name in fixed) continue;
    const on = matchers.filter((m) => m.name === a.name);
    const v = valueFor(on, [a], CANDIDATES);
    if (v === undefined) continue;
    const rest = labelsFor(matchers.filter((m) => m.name !== a.name), fixed);
    if (!rest) return undefined;
    const out: Labels = { ...rest };
    if (v !== '') out[a.name] = v;
    return out;
  }
  return undefined;
}

function selectorMatches(matchers: Matcher[], labels: Labels): boolean {
  return matchers.every((m) => matcherMatches(m, labels[m.name] ?? '') === true);
}

/** The selectors an SLI reads raw series with (none for raw ratios). */
function sliSelectors(slo: SloBody): string[] {
  const sli = slo.sli;
  if ('events' in sli) return [sli.events.total, (sli.events.bad ?? sli.events.good)!];
  if ('availability' in sli) return [sli.availability.gauge];
  if ('latency' in sli && sli.latency.matchers !== undefined) return [`x{${sli.latency.matchers}}`];
  return [];
}

/**
 * Values of the SLO's grouping labels for test series: `g1` unless a selector constrains the
 * label, then a value every selector's matchers on it accept (the series of both sides carry
 * the same grouping values).
 */
export function groupValuesFor(slo: SloBody): Labels {
  const parsed = sliSelectors(slo).map(matchersOf).filter((m) => typeof m !== 'string');
  const out: Labels = {};
  for (const g of slo.groupBy) {
    const on = parsed.flatMap((p) => p.matchers.filter((m) => m.name === g));
    out[g] = valueFor(on, [], ['g1']) || 'g1';
  }
  return out;
}

/**
 * The input series making `phases` happen for this SLO, with grouping labels set to
 * `groupValues` (see groupValuesFor). Returns why, as a sentence, when obsgen cannot
 * synthesise inputs for the SLI's selectors.
 */
export function sliInputs(slo: SloBody, http: HttpDefaults | undefined, phases: Phase[], groupValues: Labels, recorded: Labels): InputSeries[] | string {
  const sli = slo.sli;
  if ('errorRatio' in sli) {
    if (!http) return 'errorRatio SLIs read an httpService\'s request counter';
    const codes = sli.errorRatio.errorCodes ?? http.errorCodes;
    const re = re2Regexp(codes);
    if (typeof re === 'string') return `the error codes regex ${JSON.stringify(codes)} ${re}`;
    const errCode = ['500', '503', '502', '504', '429', '400', '404', ...re2Examples(codes)].find((c) => re.test(c));
    if (errCode === undefined) return `obsgen found no status code the error codes regex ${JSON.stringify(codes)} matches`;
    const okCode = ['200', '204', '302', '201', '0', 'ok'].find((c) => !re.test(c));
    if (okCode === undefined) return `the error codes regex ${JSON.stringify(codes)} matches every status code: no request can succeed`;
    return [
      { series: seriesSelector(http.requests, { ...groupValues, job: http.job, [http.codeLabel]: okCode }), values: counterPhases(phases, (p) => p.total - p.bad) },
      { series: seriesSelector(http.requests, { ...groupValues, job: http.job, [http.codeLabel]: errCode }), values: counterPhases(phases, (p) => p.bad) },
    ];
  }
  if ('latency' in sli) {
    const l = sli.latency;
    const histogram = l.histogram ?? http?.duration;
    if (!histogram) return 'latency SLIs need the histogram\'s name';
    const base: Labels = { ...groupValues };
    if (l.matchers !== undefined) {
      const m = matchersOf(`x{${l.matchers}}`);
      if (typeof m === 'string') return `the matchers ${l.matchers} are not label matchers`;
      const lbl = labelsFor(m.matchers, groupValues);
      if (!lbl) return unreadable(m.matchers) ?? `obsgen found no label values matching ${l.matchers}${groupNote(groupValues)}`;
      if ('le' in lbl) return `the matchers ${l.matchers} constrain le, which obsgen sets to the threshold`;
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
    const which = e.bad ? 'bad' : 'good';
    const total = matchersOf(e.total);
    if (typeof total === 'string') return total;
    const part = matchersOf((e.bad ?? e.good)!);
    if (typeof part === 'string') return part;
    const problem = unreadable([...total.matchers, ...part.matchers]);
    if (problem) return problem;
    const partCount = (p: Phase) => (e.bad ? p.bad : p.total - p.bad);
    // The same counter: the good (or bad) series must be one of the total's series, and the
    // rest of the total a series the good (or bad) selector does not count.
    const sameMetric = part.metric === total.metric;
    const partLabels = labelsFor(sameMetric ? [...part.matchers, ...total.matchers] : part.matchers, groupValues);
    if (!partLabels) {
      if (sameMetric && labelsFor(part.matchers, groupValues)) return `no series obsgen can find matches both the ${which} selector ${e[which]} and the total selector ${e.total}: ${which} events must be some of the total's events`;
      return `obsgen found no label values matching the ${which} selector ${e[which]}${groupNote(groupValues)}`;
    }
    const partLbl = { ...groupValues, ...partLabels };
    const restLabels = sameMetric ? labelsAvoiding(total.matchers, part.matchers, groupValues) : labelsFor(total.matchers, groupValues);
    if (!restLabels) {
      return sameMetric
        ? `every series the total selector ${e.total} matches is also a ${which} event (${e[which]}): the SLI can never see a ${which === 'good' ? 'bad' : 'good'} event`
        : `obsgen found no label values matching the total selector ${e.total}${groupNote(groupValues)}`;
    }
    const restLbl = { ...groupValues, ...restLabels };
    // Guard against a solver slip: each series must be read by exactly the sides it is meant for.
    if (sameMetric && (!selectorMatches(total.matchers, partLbl) || selectorMatches(part.matchers, restLbl) || !selectorMatches(total.matchers, restLbl))) {
      return `obsgen could not tell the ${which} series from the rest of the total`;
    }
    return [
      { series: seriesSelector(part.metric, partLbl), values: counterPhases(phases, partCount) },
      { series: seriesSelector(total.metric, restLbl), values: counterPhases(phases, (p) => (sameMetric ? p.total - partCount(p) : p.total)) },
    ];
  }
  if ('availability' in sli) {
    const g = matchersOf(sli.availability.gauge);
    if (typeof g === 'string') return g;
    const lbl = labelsFor(g.matchers, groupValues);
    if (!lbl) return unreadable(g.matchers) ?? `obsgen found no label values matching ${sli.availability.gauge}${groupNote(groupValues)}`;
    // A mean availability per step (1 - bad share): the SLI is the share of good samples.
    return [{ series: seriesSelector(g.metric, { ...groupValues, ...lbl }), values: gaugePhases(phases, (p) => (p.total === 0 ? 1 : 1 - p.bad / p.total)) }];
  }
  // Raw expressions cannot be inverted: feed the recorded 5m error ratio the rules read.
  return [{ series: seriesSelector('slo:sli_error:increase5m', { ...groupValues, ...recorded }), values: phases.length > 1 ? ratio5mPhases(phases) : gaugePhases(phases, (p) => (p.total === 0 ? 0 : p.bad / p.total)) }];
}

function groupNote(groupValues: Labels): string {
  const keys = Object.keys(groupValues);
  return keys.length ? ` with the grouping labels ${keys.join(', ')} set` : '';
}

/** Events per minute of a scenario: `bad[m]`, `total[m]` for the minute that ends at step m (m >= 1). */
function perMinute(phases: Phase[]): { bad: number[]; total: number[] } {
  const bad = [0];
  const total = [0];
  for (const p of phases) {
    for (let i = 0; i < p.minutes; i++) {
      bad.push(p.bad);
      total.push(p.total);
    }
  }
  return { bad, total };
}

/**
 * When a pair fires on exact raw windows, for a scenario of phases: `firing(t)` at step t
 * (whole minutes) is whether the error ratio of the events in (t - W, t] exceeds `threshold`
 * (factor x budget) for both the long and the short window, what `rate()` over each window
 * says of the scenario's counters. The generated tests assert that the rules' alert starts and
 * stops within one evaluation of this answer (plus, for windows summed from 5m tiles, the
 * tile edge at reset).
 */
export function exactFiring(phases: Phase[], longMin: number, shortMin: number, threshold: Decimal): (t: number) => boolean {
  const { bad, total } = perMinute(phases);
  const over = (t: number, w: number) => {
    let e = 0;
    let n = 0;
    for (let m = Math.max(1, t - w + 1); m <= t && m < bad.length; m++) {
      e += bad[m]!;
      n += total[m]!;
    }
    // e / n > threshold, in exact decimals (a ratio that equals the threshold does not fire: `>`).
    return n > 0 && Decimal.from(e).cmp(threshold.mul(n)) > 0;
  };
  return (t) => over(t, longMin) && over(t, shortMin);
}

/**
 * A raw-ratio SLI's recorded 5m error ratio through phases, as the user's expression would
 * record it from the events: at step m the ratio of the events in (m - 5m, m]. (A step
 * straight to the phase's ratio would claim 5 minutes of errors one minute into an outage.)
 */
export function ratio5mPhases(phases: Phase[]): string {
  const { bad, total } = perMinute(phases);
  const values: number[] = [phases[0] && phases[0].total ? phases[0].bad / phases[0].total : 0];
  for (let m = 1; m < bad.length; m++) {
    let e = 0;
    let n = 0;
    for (let k = Math.max(1, m - 4); k <= m; k++) {
      e += bad[k]!;
      n += total[k]!;
    }
    values.push(n === 0 ? 0 : e / n);
  }
  // Runs of one value in expanding notation (`0x59` is 60 samples of 0).
  const parts: string[] = [];
  for (let i = 0; i < values.length; ) {
    let j = i;
    while (j + 1 < values.length && values[j + 1] === values[i]) j++;
    parts.push(j === i ? `${values[i]}` : `${values[i]}x${j - i}`);
    i = j + 1;
  }
  return parts.join(' ');
}
