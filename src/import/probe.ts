/**
 * Generated scenarios for imported alerts of any shape whose input obsgen can write: one series
 * per selector of the expression (labels from its `=` matchers, an example value for `=~`
 * ones), every series following the same pattern (a counter growing at a rate, or a constant;
 * `_bucket` series as a histogram), and obsgen's PromQL engine (src/promql/eval, the one
 * `obsgen test` runs) as the judge: a pattern under which the alert is active from the first
 * minutes to the check time gives the "fires" scenario, with the labels and value the engine
 * returns; one under which the expression returns nothing at any step gives "stays quiet". The
 * import's round trip runs the scenarios through `obsgen test` and promtool.
 */
import type { DurationNode, Expr, LabelMatcherNode } from '../promql/ast.ts';
import { matcherMatches } from '../core/re2.ts';
import { engineFactory } from '../ruletest/engine.ts';
import { ruleQuery } from '../ruletest/evaluator.ts';

const MINUTE = 60_000;
/**
 * Samples every 25 s, evaluations on whole minutes: a range of whole minutes then never starts on
 * a sample at the check, so Prometheus 3's left-open ranges and promtool 2.x's left-closed ones
 * see the same samples and compute the same value.
 */
const SAMPLE_MS = 25_000;
type Labels = Record<string, string>;

interface Selector {
  metric: string;
  matchers: LabelMatcherNode[];
}

/** Every selector of the expression and the longest look-back (ranges, offsets, subqueries) in ms. */
function selectorsOf(e: Expr, out: { selectors: Selector[]; reachMs: number; ok: boolean; windows: number[] }, extraMs = 0): void {
  const dur = (d: DurationNode | undefined): number | undefined => (d === undefined ? 0 : d.kind === 'literal' ? d.seconds * 1000 : undefined);
  switch (e.kind) {
    case 'selector': {
      const off = dur(e.offset);
      if (e.at !== undefined || off === undefined || off < 0) return void (out.ok = false);
      const name = e.name ?? e.matchers.find((m) => m.name === '__name__' && m.op === '=')?.value;
      if (!name) return void (out.ok = false);
      out.selectors.push({ metric: name, matchers: e.matchers.filter((m) => m.name !== '__name__') });
      out.reachMs = Math.max(out.reachMs, extraMs + off + 5 * MINUTE);
      out.windows.push(extraMs + off);
      return;
    }
    case 'matrix': {
      const r = dur(e.range);
      if (r === undefined) return void (out.ok = false);
      return selectorsOf(e.selector, out, extraMs + r);
    }
    case 'subquery':
      // Its inner steps would need their own alignment: left to a hand-written test.
      return void (out.ok = false);
    case 'call':
      return e.args.forEach((a) => selectorsOf(a, out, extraMs));
    case 'aggregate':
      if (e.param) selectorsOf(e.param, out, extraMs);
      if (e.expr) selectorsOf(e.expr, out, extraMs);
      return;
    case 'binary':
      selectorsOf(e.lhs, out, extraMs);
      return selectorsOf(e.rhs, out, extraMs);
    case 'unary':
    case 'paren':
      return selectorsOf(e.expr, out, extraMs);
    default:
      return;
  }
}

function numbersOf(e: Expr, out: number[]): void {
  if (e.kind === 'number') out.push(Math.abs(e.value));
  for (const v of Object.values(e)) {
    if (Array.isArray(v)) for (const x of v) if (x && typeof x === 'object' && 'kind' in x) numbersOf(x as Expr, out);
    if (v && typeof v === 'object' && !Array.isArray(v) && 'kind' in v && (v as { kind: string }).kind !== 'literal') numbersOf(v as Expr, out);
  }
}

/** A string the RE2 regex matches in full, for the simple regexes matchers hold, or undefined. */
function example(re: string): string | undefined {
  const first = re.split('|')[0]!;
  const s = first
    .replace(/\[(\^?)([^\]]*)\]/g, (_, neg: string, cls: string) => (neg ? 'z' : cls.replace(/\\/g, '')[0] ?? ''))
    .replace(/\.\*|\.\+|\\d\+|\\d\*/g, (m) => (m.endsWith('+') ? '1' : ''))
    .replace(/\\d/g, '0')
    .replace(/\./g, '0')
    .replace(/[()^$?*+]/g, '')
    .replace(/\\(.)/g, '$1');
  return matcherMatches({ name: '', op: '=~', value: re }, s) ? s : undefined;
}

/** The label set of one series a selector selects, with `fill` for labels the templates read. */
function seriesFor(sel: Selector, fill: Labels): Labels | undefined {
  const labels: Labels = { __name__: sel.metric, ...fill };
  for (const m of sel.matchers) {
    if (m.op === '=') {
      if (m.value === '') delete labels[m.name];
      else labels[m.name] = m.value;
    } else if (m.op === '=~') {
      const v = example(m.value);
      if (v === undefined) return undefined;
      if (v === '') delete labels[m.name];
      else labels[m.name] = v;
    }
  }
  // `!=` and `!~` matchers hold for an absent label unless they exclude the empty value.
  for (const m of sel.matchers) if (!matcherMatches(m, labels[m.name] ?? '')) return undefined;
  return labels;
}

/** How one series' values go: a counter growing `step` per minute from 0, or a constant. */
type Pattern = { kind: 'counter'; step: number } | { kind: 'const'; value: number };

/** A histogram's buckets: `le` bounds around the expression's numbers, for `_bucket` series. */
function bounds(numbers: number[]): string[] {
  const finite = [...new Set(numbers.filter((n) => n > 0 && n < 1e9).flatMap((n) => [n / 10, n * 10]))].sort((a, b) => a - b);
  return [...(finite.length ? [finite[0]!, finite.at(-1)!] : [0.1, 10]).map((n) => String(Number(n.toPrecision(6)))), '+Inf'];
}

function notation(p: Pattern, steps: number): string {
  return p.kind === 'counter' ? `0+${p.step}x${steps}` : `${p.value}x${steps}`;
}

interface Input {
  labels: Labels;
  values: string;
}

/**
 * Input series for a pattern. Histogram buckets: `fire` puts every observation in the top
 * (+Inf) bucket (quantiles at the highest bound), `quiet` in the lowest one.
 */
function inputs(series: Labels[], p: Pattern, steps: number, les: string[], high: boolean, spread: Spread): Input[] {
  const metrics = [...new Set(series.map((l) => l.__name__!))];
  return series.flatMap((labels): Input[] => {
    // Series of different metrics apart by factors of 100 (a ratio of two metrics far from 1).
    const i = metrics.indexOf(labels.__name__!);
    const f = spread === 'same' ? 1 : 100 ** (spread === 'up' ? i : metrics.length - 1 - i);
    const q: Pattern = p.kind === 'counter' ? { kind: 'counter', step: p.step * f } : { kind: 'const', value: p.value * f };
    if (!labels.__name__!.endsWith('_bucket') || 'le' in labels) return [{ labels, values: notation(q, steps) }];
    return les.map((le, j) => ({ labels: { ...labels, le }, values: high && j < les.length - 1 ? `0x${steps}` : notation(q, steps) }));
  });
}

type Spread = 'same' | 'up' | 'down';

const key = (l: Labels) => JSON.stringify(Object.entries(l).sort());

/** The expression's result at every minute 0..atMin under these inputs. */
function evaluate(expr: string, input: Input[], atMin: number, fromMin = 0): Map<string, { labels: Labels; value: number }>[] | undefined {
  const engine = engineFactory.create({ subqueryStepMs: MINUTE });
  for (const s of input) {
    const text = `{${Object.entries(s.labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}`;
    const exp = engineFactory.expand(text, s.values, 0, SAMPLE_MS);
    const frozen = Object.freeze({ ...exp.labels });
    for (const p of exp.points) if (engine.append(frozen, p.t, p.v)) return undefined;
  }
  const out: Map<string, { labels: Labels; value: number }>[] = [];
  try {
    for (let m = 0; m <= atMin; m++) {
      // Minutes before the window that matters stay unevaluated (an empty result).
      if (m < fromMin) {
        out.push(new Map());
        continue;
      }
      const step = new Map<string, { labels: Labels; value: number }>();
      for (const s of ruleQuery(engine, expr, m * MINUTE)) {
        // An alert is known by its labels without the metric name (a comparison filter keeps the name on the sample).
        const { __name__: _, ...identity } = s.labels;
        step.set(key(identity), { labels: { ...s.labels }, value: s.value });
      }
      out.push(step);
    }
  } catch {
    return undefined;
  }
  return out;
}

export interface ProbedScenarios {
  series: { series: string; values: string }[];
  quietSeries: { series: string; values: string }[];
  /** The input series' sample interval. */
  interval: string;
  at: string;
  /** The expression's samples at `at`: labels (with `__name__` where the result keeps it) and value. */
  firing: { labels: Labels; value: number }[];
}

/**
 * A fire and a quiet input for `expr` held `forMs` (plus the group's query offset), or
 * undefined. `fill`: labels the templates read, given to every series; `valueShown`: the
 * templates render the alert's value.
 */
export function probeScenarios(ast: Expr, expr: string, forMs: number, offsetMs: number, fill: Labels, valueShown: boolean): ProbedScenarios | undefined {
  const found = { selectors: [] as Selector[], reachMs: 0, ok: true, windows: [] as number[] };
  selectorsOf(ast, found);
  if (!found.ok || !found.selectors.length || found.selectors.length > 8) return undefined;
  const series: Labels[] = [];
  for (const sel of found.selectors) {
    const l = seriesFor(sel, fill);
    if (!l) return undefined;
    if (!series.some((x) => key(x) === key(l))) series.push(l);
  }
  const numbers: number[] = [];
  numbersOf(ast, numbers);
  const les = bounds(numbers);
  // Look-back to fill, then `for` (and the offset) to hold, then two minutes of margin; the
  // check on a whole minute where no range starts on a sample (see SAMPLE_MS).
  const warmMin = Math.ceil(found.reachMs / MINUTE);
  const holdMin = Math.ceil((forMs + offsetMs) / MINUTE);
  let atMin = warmMin + holdMin + 2;
  const offsetEval = Math.ceil(offsetMs / MINUTE) * MINUTE;
  while (found.windows.some((w) => (atMin * MINUTE - offsetEval - w) % SAMPLE_MS === 0)) atMin++;
  if (atMin > 24 * 60) return undefined;
  const steps = Math.ceil((atMin * MINUTE) / SAMPLE_MS) + 4;
  // Steps in multiples of the sample interval first: a per-second rate of them is a whole number.
  const perSecond = SAMPLE_MS / 1000;
  const scale = [...new Set([1, 10, 100, 1000, 1e4, 1e5, ...numbers.filter((n) => n > 0 && n < 1e8).map((n) => Math.ceil(n * 2)), 1e-2, 1e-1].map((r) => r * perSecond))];
  const fires: Pattern[] = [...scale.map((step): Pattern => ({ kind: 'counter', step })), ...[0, 1, ...numbers.flatMap((n) => [n, n + 1, n * 2])].map((value): Pattern => ({ kind: 'const', value }))];
  const quiets: Pattern[] = [{ kind: 'const', value: 0 }, { kind: 'const', value: 1 }, { kind: 'counter', step: 1 }, ...numbers.map((value): Pattern => ({ kind: 'const', value }))];
  const atIdx = atMin;
  const holdFrom = atIdx - Math.ceil(forMs / MINUTE) - Math.ceil(offsetMs / MINUTE) - 1;
  let fire: { input: Input[]; firing: { labels: Labels; value: number }[] } | undefined;
  const spreads: Spread[] = new Set(series.map((l) => l.__name__)).size > 1 ? ['same', 'up', 'down'] : ['same'];
  for (const [p, spread] of spreads.flatMap((sp) => fires.map((f) => [f, sp] as const))) {
    const input = inputs(series, p, steps, les, true, spread);
    // Only the minutes the alert must hold through are needed (the rule sees them offset back).
    const r = evaluate(expr, input, atMin, Math.max(0, holdFrom - Math.ceil(offsetMs / MINUTE)));
    if (!r) continue;
    // The alert's query runs query_offset back: the result at minute m is what the rule sees at m + offset.
    const seen = (m: number) => r[m - Math.ceil(offsetMs / MINUTE)];
    const now = seen(atIdx);
    if (!now || !now.size) continue;
    const held = [...now.entries()].filter(([k, s]) => {
      for (let m = Math.max(0, holdFrom); m <= atIdx; m++) if (!seen(m)?.has(k)) return false;
      // Where the templates show the value: one that prints short, as float noise may differ between engines.
      return Number.isFinite(s.value) && (!valueShown || Number.isInteger(s.value) || String(s.value).length <= 10);
    }).map(([, s]) => s);
    // Every active series must be held and fire: a partly held set would be a pending alert too.
    if (held.length !== now.size) continue;
    fire = { input, firing: held };
    break;
  }
  if (!fire) return undefined;
  let quiet: Input[] | undefined;
  for (const p of quiets) {
    const input = inputs(series, p, steps, les, false, 'same');
    const r = evaluate(expr, input, atMin);
    if (r && r.every((s) => s.size === 0)) {
      quiet = input;
      break;
    }
  }
  if (!quiet) return undefined;
  const text = (l: Labels) => `${l.__name__}{${Object.entries(l).filter(([k]) => k !== '__name__').sort().map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}`;
  return {
    series: fire.input.map((s) => ({ series: text(s.labels), values: s.values })),
    quietSeries: quiet.map((s) => ({ series: text(s.labels), values: s.values })),
    interval: `${SAMPLE_MS / 1000}s`,
    at: `${atMin}m`,
    firing: fire.firing,
  };
}
