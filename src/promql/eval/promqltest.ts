/**
 * Prometheus's promqltest file format (promql/promqltest/test.go), run on obsgen's engine:
 * `load <interval>` blocks of series lines, `clear`, `eval instant at T expr` and
 * `eval range from T to T step S expr` with expected series lines, `expect fail|ordered|warn|
 * info|no_warn|no_info [msg:|regex:]`, `expect range vector ...`, `expect string ...` and the
 * older eval_fail / eval_ordered / eval_warn / eval_info forms. Like upstream, an instant eval
 * is also run with @ set to its time at other times, and once in range mode.
 *
 * Not modelled: annotations (warn/info expectations are accepted, not checked, and counted as
 * such) and native histograms (`{{...}}` values): cases that need them are reported as unsupported.
 */
import type { Expr } from '../ast.ts';
import { durationSeconds } from '../literals.ts';
import { instantQuery, parseExpr, rangeQuery } from './engine.ts';
import { almostEqual } from './quantile.ts';
import { formatLabels, labelsKey, makeLabels, compareLabels, type Labels } from './labels.ts';
import { expandSeriesValues, NotationError, parseSeriesLabels, type SeriesValue } from './notation.ts';
import { SeriesStore, STALE } from './storage.ts';
import { EvalError, UnsupportedError, type QueryValue } from './values.ts';
import { goParseFloat } from './calls.ts';

export interface CaseResult {
  /** 1-based line of the eval command. */
  line: number;
  expr: string;
  status: 'passed' | 'failed' | 'unsupported';
  message?: string;
  /** The case expected warnings or infos (or their absence), which the engine does not model. */
  annotationsUnchecked?: boolean;
}

export interface FileResult {
  cases: CaseResult[];
}

const EPSILON = 0.000001;
const AT_UNSAFE = new Set(['days_in_month', 'day_of_month', 'day_of_week', 'day_of_year', 'end', 'hour', 'minute', 'month', 'year', 'predict_linear', 'range', 'start', 'step', 'time', 'timestamp']);
const QUERY_CONTEXT_FUNCS = /(start|end|range|step)\(\)/;

interface Expect {
  kind: 'ordered' | 'fail' | 'warn' | 'no_warn' | 'info' | 'no_info';
  message?: string;
  regex?: RegExp;
}

interface ExpectedSeries {
  labels: Labels;
  pos: number;
  vals: SeriesValue[];
  histogram: boolean;
}

interface EvalCase {
  line: number;
  expr: string;
  isRange: boolean;
  start: number;
  end: number;
  step: number;
  evalTime: number;
  ordered: boolean;
  fail: boolean;
  expectedFailMessage?: string;
  expectedFailRegexp?: RegExp;
  expects: Expect[];
  expectScalar: boolean;
  scalar?: number;
  expected: Map<string, ExpectedSeries>;
  expectedString?: string;
  excludeFromRangeQuery: boolean;
  annotations: boolean;
  unsupported?: string;
}

class CaseError extends Error {}

function parseDurationMs(text: string): number {
  const s = durationSeconds(text.trim());
  if (typeof s === 'string') throw new CaseError(s);
  return Math.round(s * 1000);
}

/** strconv.ParseInt(s, 0, 64) then ParseFloat: promqltest's parseNumber. */
function parseNumber(s: string): number | undefined {
  if (/^[+-]?(0[xX][0-9a-fA-F_]+|0[oO]?[0-7_]+|0[bB][01_]+|[1-9][0-9_]*|0)$/.test(s)) {
    const neg = s.startsWith('-');
    const body = s.replace(/^[+-]/, '').replace(/_/g, '');
    let v: number;
    if (/^0[xX]/.test(body)) v = parseInt(body.slice(2), 16);
    else if (/^0[bB]/.test(body)) v = parseInt(body.slice(2), 2);
    else if (/^0[oO]/.test(body)) v = parseInt(body.slice(2), 8);
    else if (/^0[0-7]+$/.test(body)) v = parseInt(body, 8);
    else v = Number(body);
    return neg ? -v : v;
  }
  return goParseFloat(s);
}

/** Go regexp syntax read as JavaScript (expect regex:, expected_fail_regexp): close enough for messages. */
function goRegex(pattern: string): RegExp {
  return new RegExp(pattern.replace(/\(\?P</g, '(?<'));
}

function parseExpect(line: string): Expect {
  const m = /^expect\s+(ordered|fail|warn|no_warn|info|no_info)(?:\s+(regex|msg):(.+))?$/.exec(line.trim());
  if (!m) throw new CaseError('invalid expect statement, must match `expect <type> <match_type>: <string>` format');
  const e: Expect = { kind: m[1] as Expect['kind'] };
  if (m[2] === 'msg') e.message = m[3]!.trim();
  else if (m[2] === 'regex') e.regex = goRegex(m[3]!.trim());
  else e.regex = /^.*$/s;
  return e;
}

function newCase(line: number, expr: string): EvalCase {
  return {
    line, expr, isRange: false, start: 0, end: 0, step: 0, evalTime: 0, ordered: false, fail: false, expects: [], expectScalar: false,
    expected: new Map(), excludeFromRangeQuery: false, annotations: false,
  };
}

function goUnquote(s: string): string | undefined {
  if (s.startsWith('`') && s.endsWith('`') && s.length >= 2) return s.slice(1, -1);
  if (!s.startsWith('"') || !s.endsWith('"') || s.length < 2) return undefined;
  try {
    return JSON.parse(s) as string;
  } catch {
    return undefined;
  }
}

/** Parses the eval command at lines[i] and its expectation lines; returns the case and the last line used. */
function parseEval(lines: string[], i: number): [EvalCase, number] {
  const text = lines[i]!;
  const inst = /^eval(?:_(fail|warn|ordered|info))?\s+instant\s+(?:at\s+(.+?))?\s+(.+)$/.exec(text);
  const rng = /^eval(?:_(fail|warn|info))?\s+range\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+?)\s+(.+)$/.exec(text);
  if (!inst && !rng) throw new CaseError("invalid evaluation command. Must be either 'eval[_fail|_warn|_ordered] instant [at <offset:duration>] <query>' or 'eval[_fail|_warn] range from <from> to <to> step <step> <query>'");
  const mod = inst ? inst[1] : rng![1];
  const c = newCase(i + 1, inst ? inst[3]! : rng![5]!);
  if (inst) {
    c.evalTime = parseDurationMs(inst[2] ?? '0');
  } else {
    c.isRange = true;
    c.start = parseDurationMs(rng![2]!);
    c.end = parseDurationMs(rng![3]!);
    c.step = parseDurationMs(rng![4]!);
    if (c.end < c.start) throw new CaseError(`invalid test definition, end timestamp (${rng![3]}) is before start timestamp (${rng![2]})`);
  }
  if (mod === 'ordered') c.ordered = true;
  else if (mod === 'fail') c.fail = true;
  else if (mod === 'warn' || mod === 'info') c.annotations = true;
  let expectRangeVector = false;
  for (let j = 1; i + 1 < lines.length; j++) {
    i++;
    const def = lines[i]!;
    if (def === '') {
      i--;
      break;
    }
    if (c.fail && def.startsWith('expected_fail_message')) {
      c.expectedFailMessage = def.slice('expected_fail_message'.length).trim();
      break;
    }
    if (c.fail && def.startsWith('expected_fail_regexp')) {
      c.expectedFailRegexp = goRegex(def.slice('expected_fail_regexp'.length).trim());
      break;
    }
    if (def.startsWith('expect range vector')) {
      const m = /^expect range vector\s+from\s+(.+)\s+to\s+(.+)\s+step\s+(.+)$/.exec(def);
      if (!m) throw new CaseError(`invalid range vector definition ${JSON.stringify(def)}`);
      expectRangeVector = true;
      c.start = parseDurationMs(m[1]!);
      c.end = parseDurationMs(m[2]!);
      c.step = parseDurationMs(m[3]!);
      c.evalTime = c.end;
      c.excludeFromRangeQuery = true;
      continue;
    }
    if (def.startsWith('expect string')) {
      const s = goUnquote(def.slice('expect string'.length).trim());
      if (s === undefined) throw new CaseError('expected string literal not valid - check that the string is correctly quoted');
      c.expectedString = s;
      c.excludeFromRangeQuery = true;
      continue;
    }
    if (def.split(' ')[0] === 'expect') {
      const e = parseExpect(def);
      c.expects.push(e);
      if (e.kind === 'warn' || e.kind === 'info' || e.kind === 'no_warn' || e.kind === 'no_info') c.annotations = true;
      j--;
      continue;
    }
    const n = parseNumber(def);
    if (n !== undefined) {
      c.expectScalar = true;
      c.scalar = n;
      break;
    }
    let labels: Labels;
    let vals: SeriesValue[];
    let histogram = false;
    try {
      const p = parseSeriesLabels(def);
      labels = makeLabels(p.labels);
      if (p.rest.includes('{{')) {
        histogram = true;
        vals = [];
        c.unsupported = 'native histogram values ({{...}}) are not supported';
      } else vals = expandSeriesValues(p.rest);
    } catch (e) {
      throw new CaseError(`line ${i + 1}: ${(e as Error).message}`);
    }
    if (vals.length > 1 && inst && !expectRangeVector) {
      throw new CaseError("expecting multiple values in instant evaluation not allowed. consider using 'expect range vector' directive to enable a range vector result for an instant query");
    }
    c.expectScalar = false;
    c.expected.set(labelsKey(labels), { labels, pos: j, vals, histogram });
  }
  return [c, i];
}

const isOrdered = (c: EvalCase) => c.ordered || c.expects.some((e) => e.kind === 'ordered');
const isFail = (c: EvalCase) => c.fail || c.expects.some((e) => e.kind === 'fail');

function checkExpectedFailure(c: EvalCase, err: Error): string | undefined {
  const msg = err.message;
  if (c.expectedFailMessage && c.expectedFailMessage !== msg) return `expected error ${JSON.stringify(c.expectedFailMessage)} evaluating query ${JSON.stringify(c.expr)} (line ${c.line}), but got: ${msg}`;
  if (c.expectedFailRegexp && !c.expectedFailRegexp.test(msg)) return `expected error matching pattern ${JSON.stringify(c.expectedFailRegexp.source)} evaluating query ${JSON.stringify(c.expr)} (line ${c.line}), but got: ${msg}`;
  const f = c.expects.find((e) => e.kind === 'fail');
  if (f) {
    const ok = f.regex ? f.regex.test(msg) : f.message === msg;
    if (!ok) return `expected error matching ${JSON.stringify(f.regex ? f.regex.source : f.message)} evaluating query ${JSON.stringify(c.expr)} (line ${c.line}), but got: ${msg}`;
  }
  return undefined;
}

const fmtNum = (v: number) => (Number.isNaN(v) ? 'NaN' : v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : String(v));
const fmtVals = (vals: SeriesValue[]) => `[${vals.map((v) => (v === null ? '_' : 'stale' in v ? 'stale' : fmtNum(v.value))).join(' ')}]`;

function formatPoints(points: { t: number; v: number }[]): string {
  return `${points.length} float point${points.length === 1 ? '' : 's'} [${points.map((p) => `${fmtNum(p.v)} @[${p.t}]`).join(' ')}] and 0 histogram points []`;
}

function valueEqual(expected: SeriesValue, actual: number): boolean {
  if (expected === null) return true;
  if ('stale' in expected) return false;
  return almostEqual(expected.value, actual, EPSILON) || (Number.isNaN(expected.value) && Number.isNaN(actual));
}

/** compareResult of test.go; returns the error text or undefined. */
function compareResult(c: EvalCase, result: QueryValue): string | undefined {
  if (result.type === 'matrix') {
    if (isOrdered(c)) return 'expected ordered result, but query returned a matrix';
    if (c.expectScalar) return `expected scalar result, but got matrix`;
    for (let i = 1; i < result.series.length; i++) {
      if (compareLabels(makeLabels(result.series[i - 1]!.labels), makeLabels(result.series[i]!.labels)) > 0) return 'matrix results should always be sorted by labels, but matrix is not sorted';
    }
    const seen = new Set<string>();
    for (const s of result.series) {
      const l = makeLabels(s.labels);
      const k = labelsKey(l);
      const exp = c.expected.get(k);
      if (!exp) return `unexpected metric ${formatLabels(l)} in result, has ${formatPoints(s.points)}`;
      seen.add(k);
      const want: { t: number; v: SeriesValue }[] = [];
      for (let i = 0; i < exp.vals.length; i++) {
        const t = c.start + i * c.step;
        if (t > c.end) return `expected ${exp.vals.length} points for ${formatLabels(exp.labels)}, but query time range cannot return this many points`;
        if (exp.vals[i] !== null) want.push({ t, v: exp.vals[i]! });
      }
      if (want.length !== s.points.length) return `expected ${want.length} float points and 0 histogram points for ${formatLabels(exp.labels)}, but got ${formatPoints(s.points)}`;
      for (let i = 0; i < want.length; i++) {
        const a = s.points[i]!;
        if (want[i]!.t !== a.t) return `expected float value at index ${i} for ${formatLabels(exp.labels)} to have timestamp ${want[i]!.t}, but it had timestamp ${a.t} (result has ${formatPoints(s.points)})`;
        if (!valueEqual(want[i]!.v, a.v)) return `expected float value at index ${i} (t=${a.t}) for ${formatLabels(exp.labels)} to be ${fmtVals([want[i]!.v])}, but got ${fmtNum(a.v)} (result has ${formatPoints(s.points)})`;
      }
    }
    for (const [k, exp] of c.expected) if (!seen.has(k)) return `expected metric ${formatLabels(exp.labels)} not found`;
    return undefined;
  }
  if (result.type === 'vector') {
    if (c.expectScalar) return `expected scalar result, but got vector ${result.samples.map((s) => `${formatLabels(makeLabels(s.labels))} => ${fmtNum(s.value)}`).join(', ')}`;
    const seen = new Set<string>();
    for (let pos = 0; pos < result.samples.length; pos++) {
      const s = result.samples[pos]!;
      const l = makeLabels(s.labels);
      const k = labelsKey(l);
      const exp = c.expected.get(k);
      if (!exp) return `unexpected metric ${formatLabels(l)} in result, has value ${fmtNum(s.value)}`;
      if (isOrdered(c) && exp.pos !== pos + 1) return `expected metric ${formatLabels(l)} with ${fmtVals(exp.vals)} at position ${exp.pos} but was at ${pos + 1}`;
      if (!valueEqual(exp.vals[0] ?? null, s.value)) return `expected ${fmtVals(exp.vals)} for ${formatLabels(l)} but got ${fmtNum(s.value)}`;
      seen.add(k);
    }
    for (const [k, exp] of c.expected) if (!seen.has(k)) return `expected metric ${formatLabels(exp.labels)} with ${fmtVals(exp.vals)} not found`;
    return undefined;
  }
  if (result.type === 'scalar') {
    if (!c.expectScalar) return `expected vector or matrix result, but got scalar ${fmtNum(result.value)}`;
    if (!almostEqual(c.scalar!, result.value, EPSILON) && !(Number.isNaN(c.scalar!) && Number.isNaN(result.value))) return `expected scalar ${fmtNum(c.scalar!)} but got ${fmtNum(result.value)}`;
    return undefined;
  }
  if (c.expectedString !== result.value) return `expected string "${c.expectedString ?? ''}" but got "${result.value}"`;
  return undefined;
}

/** A copy of the tree with @ <time> on every selector and subquery outside a subquery (atModifierTestCases). */
function withAt(e: Expr, atSeconds: number): Expr {
  const clone = (n: Expr): Expr => {
    switch (n.kind) {
      case 'selector':
        return { ...n, at: n.at ?? atSeconds };
      case 'matrix':
        return { ...n, selector: clone(n.selector) };
      case 'subquery':
        return { ...n, at: n.at ?? atSeconds };
      case 'call':
        return { ...n, args: n.args.map(clone) };
      case 'aggregate':
        return { ...n, ...(n.expr ? { expr: clone(n.expr) } : {}), ...(n.param ? { param: clone(n.param) } : {}) };
      case 'binary':
        return { ...n, lhs: clone(n.lhs), rhs: clone(n.rhs) };
      case 'unary':
      case 'paren':
        return { ...n, expr: clone(n.expr) };
      default:
        return n;
    }
  };
  return clone(e);
}

function hasAtUnsafe(e: Expr): boolean {
  switch (e.kind) {
    case 'call':
      return AT_UNSAFE.has(e.name) || e.args.some(hasAtUnsafe);
    case 'aggregate':
      return (!!e.expr && hasAtUnsafe(e.expr)) || (!!e.param && hasAtUnsafe(e.param));
    case 'binary':
      return hasAtUnsafe(e.lhs) || hasAtUnsafe(e.rhs);
    case 'unary':
    case 'paren':
    case 'subquery':
      return hasAtUnsafe(e.expr);
    case 'matrix':
      return hasAtUnsafe(e.selector);
    default:
      return false;
  }
}

/** The query's value, or the EvalError it failed with (a stack overflow counts as Prometheus's "unexpected error"). */
function runQuery(f: () => QueryValue): QueryValue | Error {
  try {
    return f();
  } catch (e) {
    if (e instanceof EvalError) return e;
    if (e instanceof RangeError) return new EvalError(`unexpected error: ${e.message}`);
    throw e;
  }
}

function runEval(store: SeriesStore, c: EvalCase): string | undefined {
  let ast: Expr;
  try {
    ast = parseExpr(c.expr);
  } catch (e) {
    if (e instanceof UnsupportedError) throw e;
    if (isFail(c) && !checkExpectedFailure(c, e as Error)) return undefined;
    return `error parsing ${JSON.stringify(c.expr)}: ${(e as Error).message}`;
  }
  if (c.isRange) {
    const r = runQuery(() => rangeQuery(store, ast, c.start, c.end, c.step));
    if (r instanceof Error) {
      if (r instanceof UnsupportedError) throw r;
      if (isFail(c)) return checkExpectedFailure(c, r);
      return `error evaluating query ${JSON.stringify(c.expr)} (line ${c.line}): ${r.message}`;
    }
    if (isFail(c)) return `expected error evaluating query ${JSON.stringify(c.expr)} (line ${c.line}) but got none`;
    const err = compareResult(c, r);
    return err && `error in eval ${c.expr} (line ${c.line}): ${err}`;
  }
  const queries: { ast: Expr; t: number; label: string }[] = [{ ast, t: c.evalTime, label: c.expr }];
  if (!hasAtUnsafe(ast)) {
    const ts = c.evalTime;
    const times = ts === 0 ? [-1000, 0, 1000] : [-10 * ts, 0, Math.trunc(ts / 5), ts, 10 * ts];
    const at = withAt(ast, ts / 1000);
    for (const t of times) queries.push({ ast: at, t, label: `${c.expr} (with @ ${ts / 1000}, evaluated at ${t / 1000}s)` });
  }
  for (const q of queries) {
    const r = runQuery(() => instantQuery(store, q.ast, q.t));
    if (r instanceof Error) {
      if (r instanceof UnsupportedError) throw r;
      if (isFail(c)) {
        const e = checkExpectedFailure(c, r);
        if (e) return e;
        continue;
      }
      return `error evaluating query ${JSON.stringify(q.label)} (line ${c.line}): ${r.message}`;
    }
    if (isFail(c)) return `expected error evaluating query ${JSON.stringify(q.label)} (line ${c.line}) but got none`;
    const err = compareResult(c, r);
    if (err) return `error in eval ${q.label} (line ${c.line}): ${err}`;
    if (c.excludeFromRangeQuery || QUERY_CONTEXT_FUNCS.test(c.expr)) continue;
    const rr = runQuery(() => rangeQuery(store, q.ast, q.t - 60_000, q.t + 60_000, 60_000));
    if (rr instanceof Error) {
      if (rr instanceof UnsupportedError) throw rr;
      return `error evaluating query ${JSON.stringify(q.label)} (line ${c.line}) in range mode: ${rr.message}`;
    }
    if (isOrdered(c)) continue;
    if (rr.type !== 'matrix') continue;
    const samples = rr.series.flatMap((s) => s.points.filter((p) => p.t === q.t).map((p) => ({ labels: s.labels, value: p.v })));
    const asValue: QueryValue = r.type === 'scalar' ? { type: 'scalar', value: samples[0]?.value ?? NaN } : { type: 'vector', samples };
    const rerr = compareResult(c, asValue);
    if (rerr) return `error in eval ${q.label} (line ${c.line}) range mode: ${rerr}`;
  }
  return undefined;
}

/** Stands for a native histogram sample in a load line. */
const HISTOGRAM: SeriesValue = { value: NaN };

/**
 * The positions of a load line mixing `{{...}}` histograms with floats: each histogram item
 * (with `xN` / `+{{...}}xN` repetition) becomes HISTOGRAM placeholders, other items expand as usual.
 */
function histogramValues(rest: string): SeriesValue[] {
  const out: SeriesValue[] = [];
  const re = /\{\{[^}]*\}\}(?:[+-]\{\{[^}]*\}\})?(?:x(\d+))?|(\S+)/g;
  for (let m = re.exec(rest); m; m = re.exec(rest)) {
    if (m[2] !== undefined) out.push(...expandSeriesValues(m[2]));
    else for (let i = 0; i <= Number(m[1] ?? 0); i++) out.push(HISTOGRAM);
  }
  return out;
}

/** Metric names a failed (native histogram) load line defined: evals that read them are unsupported. */
function mentions(expr: string, names: Set<string>): boolean {
  for (const n of names) if (new RegExp(`(^|[^a-zA-Z0-9_:])${n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^a-zA-Z0-9_:])`).test(expr)) return true;
  return false;
}

/** Runs one promqltest file's text; every eval command yields one CaseResult. */
export function runPromqlTest(text: string): FileResult {
  const lines = text.split('\n').map((l) => {
    const t = l.trim();
    return t.startsWith('#') ? '' : t;
  });
  const store = new SeriesStore();
  const cases: CaseResult[] = [];
  const histogramNames = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l === '') continue;
    const cmd = l.split(/[\t ]+/, 1)[0]!.toLowerCase();
    if (cmd === 'clear') {
      store.clear();
      histogramNames.clear();
      continue;
    }
    if (cmd.startsWith('load')) {
      const m = /^load(?:_(with_nhcb))?\s+(.+?)$/.exec(l);
      if (!m) {
        cases.push({ line: i + 1, expr: l, status: 'failed', message: 'invalid load command. (load[_with_nhcb] <step:duration>)' });
        continue;
      }
      const gap = parseDurationMs(m[2]!);
      const defs = new Map<string, { labels: Labels; vals: SeriesValue[] }>();
      while (i + 1 < lines.length && lines[i + 1] !== '') {
        i++;
        const def = lines[i]!;
        if (/^\S+@st\s/.test(def)) continue;
        try {
          const p = parseSeriesLabels(def);
          const labels = makeLabels(p.labels);
          defs.set(labelsKey(labels), { labels, vals: p.rest.includes('{{') ? histogramValues(p.rest) : expandSeriesValues(p.rest) });
          if (m[1] && labels.__name__) histogramNames.add(labels.__name__.replace(/_(bucket|sum|count)$/, ''));
        } catch (e) {
          if (!(e instanceof NotationError)) throw e;
          cases.push({ line: i + 1, expr: def, status: 'failed', message: `invalid series line: ${e.message}` });
        }
      }
      for (const { labels, vals } of defs.values()) {
        vals.forEach((v, k) => {
          if (v === HISTOGRAM) store.appendHistogram(labels, k * gap);
          else if (v !== null) store.append(labels, k * gap, 'stale' in v ? STALE : v.value);
        });
      }
      continue;
    }
    if (cmd.startsWith('eval')) {
      let c: EvalCase;
      try {
        [c, i] = parseEval(lines, i);
      } catch (e) {
        if (!(e instanceof CaseError)) throw e;
        cases.push({ line: i + 1, expr: l, status: 'failed', message: e.message });
        // Skip the rest of this block.
        while (i + 1 < lines.length && lines[i + 1] !== '') i++;
        continue;
      }
      const result: CaseResult = { line: c.line, expr: c.expr, status: 'passed', ...(c.annotations ? { annotationsUnchecked: true } : {}) };
      if (c.unsupported || (histogramNames.size && mentions(c.expr, histogramNames))) {
        result.status = 'unsupported';
        result.message = c.unsupported ?? 'reads series loaded with native histogram values ({{...}}), which are not supported';
      } else {
        try {
          const err = runEval(store, c);
          if (err) [result.status, result.message] = ['failed', err];
        } catch (e) {
          if (!(e instanceof UnsupportedError)) throw e;
          [result.status, result.message] = ['unsupported', e.message];
        }
      }
      cases.push(result);
      continue;
    }
    cases.push({ line: i + 1, expr: l, status: 'failed', message: `invalid command ${JSON.stringify(l)}` });
  }
  return { cases };
}

