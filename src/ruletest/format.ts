/**
 * Go's ways of printing the values promtool puts in its reports: strconv.Quote, labels.Labels
 * String(), strconv.FormatFloat(v, 'E', -1, 64), model.Duration and time.Duration String(), and
 * labels.Compare. A failure report is compared by people (and by tests) with promtool's, so these
 * must print what Go prints.
 */

export type Labels = Record<string, string>;

/** Go's strconv.Quote: printable runes as they are, the usual escapes, \x.. / \u.... for the rest. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (c === 7) out += '\\a';
    else if (c === 8) out += '\\b';
    else if (c === 12) out += '\\f';
    else if (c === 10) out += '\\n';
    else if (c === 13) out += '\\r';
    else if (c === 9) out += '\\t';
    else if (c === 11) out += '\\v';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c >= 0x80 && c < 0xa0) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Go compares strings byte by byte in UTF-8; comparing code points gives the same order. */
export function goCompare(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

/** Label names sorted as Prometheus keeps them. */
export function sortedNames(ls: Labels): string[] {
  return Object.keys(ls).sort(goCompare);
}

const LEGACY_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** labels.Labels String(): `{__name__="x", a="b"}`. */
export function labelsString(ls: Labels): string {
  return `{${sortedNames(ls)
    .map((k) => `${LEGACY_NAME.test(k) ? k : goQuote(k)}=${goQuote(ls[k]!)}`)
    .join(', ')}}`;
}

/** labels.Compare: label by label (name, then value); a prefix sorts first. */
export function compareLabels(a: Labels, b: Labels): number {
  const an = sortedNames(a);
  const bn = sortedNames(b);
  const n = Math.min(an.length, bn.length);
  for (let i = 0; i < n; i++) {
    const c = goCompare(an[i]!, bn[i]!);
    if (c !== 0) return c;
    const v = goCompare(a[an[i]!]!, b[bn[i]!]!);
    if (v !== 0) return v;
  }
  return an.length - bn.length;
}

export function labelsEqual(a: Labels, b: Labels): boolean {
  return compareLabels(a, b) === 0;
}

/** strconv.FormatFloat(v, 'E', -1, 64): the shortest digits that round-trip, `1.5E+00`. */
export function formatFloatE(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0E+00' : '0E+00';
  const [mant, exp] = v.toExponential().split('e') as [string, string];
  const e = Number(exp);
  return `${mant}E${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

const MS = { y: 365 * 24 * 3600 * 1000, w: 7 * 24 * 3600 * 1000, d: 24 * 3600 * 1000, h: 3600 * 1000, m: 60 * 1000, s: 1000, ms: 1 };
const MODEL_DURATION_RE = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

/** model.ParseDuration: `1h30m`, `90s`, `0`; throws Go's message on anything else. */
export function parseModelDuration(text: string): number {
  if (text === '0') return 0;
  const m = text === '' ? null : MODEL_DURATION_RE.exec(text);
  if (!m) throw new Error(`not a valid duration string: ${goQuote(text)}`);
  const units = [MS.y, MS.w, MS.d, MS.h, MS.m, MS.s, MS.ms];
  let ms = 0;
  for (let i = 0; i < units.length; i++) if (m[i + 1] !== undefined) ms += Number(m[i + 1]) * units[i]!;
  return ms;
}

/** model.Duration String(): years and weeks only when exact, e.g. `10m`, `1h30m`, `2w`, `0s`. */
export function modelDurationString(ms: number): string {
  if (ms === 0) return '0s';
  let rest = Math.trunc(ms);
  let out = '';
  const f = (unit: string, mult: number, exact: boolean): void => {
    if (exact && rest % mult !== 0) return;
    const v = Math.floor(rest / mult);
    if (v > 0) {
      out += `${v}${unit}`;
      rest -= v * mult;
    }
  };
  f('y', MS.y, true);
  f('w', MS.w, true);
  f('d', MS.d, false);
  f('h', MS.h, false);
  f('m', MS.m, false);
  f('s', MS.s, false);
  f('ms', MS.ms, false);
  return out;
}

/** time.Duration String() for whole milliseconds: `5m0s`, `1h0m0s`, `1.5s`, `500ms`, `0s`. */
export function goDurationString(ms: number): string {
  if (ms === 0) return '0s';
  const neg = ms < 0;
  let rest = Math.abs(ms);
  let out: string;
  if (rest < 1000) out = `${rest}ms`;
  else {
    const h = Math.floor(rest / MS.h);
    rest -= h * MS.h;
    const m = Math.floor(rest / MS.m);
    rest -= m * MS.m;
    const s = rest / 1000;
    const secs = `${Math.floor(s)}${rest % 1000 ? `.${String(rest % 1000).padStart(3, '0').replace(/0+$/, '')}` : ''}s`;
    out = h ? `${h}h${m}m${secs}` : m ? `${m}m${secs}` : secs;
  }
  return neg ? `-${out}` : out;
}
