/**
 * Label sets as the evaluator passes them around: plain frozen records, with a memoised
 * canonical key (names sorted) so maps over series cost one string per label set, and the
 * orderings and renderings Prometheus uses (labels.Compare, labels.String).
 */

export type Labels = Readonly<Record<string, string>>;

export const EMPTY_LABELS: Labels = Object.freeze({});

const keys = new WeakMap<Labels, string>();
const sortedNames = new WeakMap<Labels, string[]>();

/** The label names in Prometheus's order (byte-wise sorted). */
export function namesOf(l: Labels): string[] {
  let n = sortedNames.get(l);
  if (!n) {
    n = Object.keys(l).sort(byteCompare);
    sortedNames.set(l, n);
  }
  return n;
}

export function byteCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A string that is equal for equal label sets. */
export function labelsKey(l: Labels): string {
  let k = keys.get(l);
  if (k === undefined) {
    k = '';
    for (const n of namesOf(l)) k += `${n}\xff${l[n]}\xfe`;
    keys.set(l, k);
  }
  return k;
}

/** Builds a label set: drops empty values (Prometheus has no empty-valued labels). */
export function makeLabels(record: Record<string, string>): Labels {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(record)) if (v !== '') out[k] = v;
  return Object.freeze(out);
}

/** labels.Compare: name by name, then value by value, then the shorter set first. */
export function compareLabels(a: Labels, b: Labels): number {
  const an = namesOf(a);
  const bn = namesOf(b);
  const n = Math.min(an.length, bn.length);
  for (let i = 0; i < n; i++) {
    if (an[i] !== bn[i]) return byteCompare(an[i]!, bn[i]!);
    const c = byteCompare(a[an[i]!]!, b[bn[i]!]!);
    if (c !== 0) return c;
  }
  return an.length - bn.length;
}

const derived = new WeakMap<Labels, Map<string, unknown>>();

/**
 * A value computed from a label set, remembered per (label set, spec): a query evaluates the same
 * series at every step, so grouping keys, join signatures and name-dropped label sets are
 * computed once per series instead of once per step (and stay the same objects, whose keys are cached).
 */
export function memo<T>(l: Labels, spec: string, compute: () => T): T {
  let m = derived.get(l);
  if (!m) derived.set(l, (m = new Map()));
  const hit = m.get(spec);
  if (hit !== undefined || m.has(spec)) return hit as T;
  const v = compute();
  m.set(spec, v);
  return v;
}

/** The metadata labels an operation that changes the meaning of a value drops (schema.IsMetadataLabel). */
const METADATA = ['__name__', '__type__', '__unit__'];

export function dropMetricName(l: Labels): Labels {
  if (!('__name__' in l) && !('__type__' in l) && !('__unit__' in l)) return l;
  return memo(l, '\x00dropName', () => {
    const out: Record<string, string> = { ...l };
    for (const m of METADATA) delete out[m];
    return Object.freeze(out);
  });
}

/** Copies `l` with the given labels set ('' deletes) */
export function withLabels(l: Labels, set: Record<string, string>): Labels {
  const out: Record<string, string> = { ...l };
  for (const [k, v] of Object.entries(set)) {
    if (v === '') delete out[k];
    else out[k] = v;
  }
  return Object.freeze(out);
}

export function keepLabels(l: Labels, names: readonly string[]): Labels {
  const out: Record<string, string> = {};
  for (const n of names) if (l[n] !== undefined) out[n] = l[n]!;
  return Object.freeze(out);
}

export function deleteLabels(l: Labels, names: readonly string[]): Labels {
  const out: Record<string, string> = { ...l };
  for (const n of names) delete out[n];
  return Object.freeze(out);
}

/** Go's strconv.Quote for the printable strings label values usually are. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

const LEGACY_LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** labels.String() of Prometheus 3: `{__name__="x", a="b"}`, names outside the legacy charset quoted. */
export function formatLabels(l: Labels): string {
  return `{${namesOf(l)
    .map((n) => `${LEGACY_LABEL.test(n) ? n : goQuote(n)}=${goQuote(l[n]!)}`)
    .join(', ')}}`;
}

/** strconv.FormatFloat(f, 'f', -1, 64): the shortest digits, never an exponent. */
export function formatFloatF(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  const s = String(f);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return Object.is(f, -0) ? '-0' : s;
  const [, sign, d0, rest = '', expText] = m;
  const digits = d0! + rest;
  const exp = Number(expText);
  // JS switches to exponents at 1e21 (more digits than a double holds) and below 1e-6.
  if (exp >= 0) return sign + digits.padEnd(exp + 1, '0');
  return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
}

/** strconv.FormatFloat(f, 'g', -1, 64) for messages, as Go's %v prints a float64. */
export function formatFloatG(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const abs = Math.abs(f);
  const exp = Math.floor(Math.log10(abs));
  if (exp < -4 || exp >= 21) {
    const s = f.toExponential();
    return s.replace(/e([+-])(\d)$/, 'e$10$2');
  }
  return formatFloatF(f);
}
