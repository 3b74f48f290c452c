/**
 * PromQL literals read the way Prometheus's lexer and parser read them: numbers (Go's
 * strconv rules), durations (model.ParseDuration: units y w d h m s ms, largest first, each once),
 * string literals (util/strutil.Unquote) and whether a label matcher matches the empty string.
 */

import { matcherMatches, re2Problem } from '../core/re2.ts';

/** Largest duration Prometheus accepts, in seconds (durationLiteralOutOfRange: 1<<63 ns). */
export const MAX_DURATION_SECONDS = 2 ** 63 / 1e9;

const DURATION_RE = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const UNIT_SECONDS = [365 * 86400, 7 * 86400, 86400, 3600, 60, 1, 0.001];

/** A duration literal (`1h30m`) in seconds, or an error message as Prometheus words it. */
export function durationSeconds(text: string): number | string {
  if (text === '0') return 0;
  const m = DURATION_RE.exec(text);
  if (!text || !m) return `not a valid duration string: ${JSON.stringify(text)}`;
  let seconds = 0;
  for (let i = 0; i < UNIT_SECONDS.length; i++) if (m[i + 1] !== undefined) seconds += Number(m[i + 1]) * UNIT_SECONDS[i]!;
  // model.ParseDuration works in int64 milliseconds.
  if (seconds * 1000 > Number.MAX_SAFE_INTEGER * 1024) return 'duration out of range';
  return seconds;
}

function isDurationToken(text: string): boolean {
  return /^\d+(?:ms|[smhdwy])/.test(text) && /[a-z]$/.test(text);
}

/**
 * A number literal (`1e3`, `0x1F`, `1_000`, `Inf`, `-NaN`, and in Prometheus 3 a duration such as
 * `5m` read as seconds), or an error message. The sign is part of the literal in the tree.
 */
export function numberValue(text: string): number | string {
  let sign = 1;
  let t = text.trim();
  while (t.startsWith('-') || t.startsWith('+')) {
    if (t[0] === '-') sign = -sign;
    t = t.slice(1).trim();
  }
  const lower = t.toLowerCase();
  if (lower === 'inf') return sign * Infinity;
  if (lower === 'nan') return NaN;
  if (isDurationToken(t)) {
    const d = durationSeconds(t);
    return typeof d === 'string' ? d : sign * d;
  }
  if (/^0[xX]/.test(t)) {
    // strconv.ParseInt, then ParseFloat, which wants a 'p' exponent for hex: past int64 it fails.
    const v = BigInt(t.replace(/_/g, ''));
    if (v > 2n ** 63n - 1n) return `error parsing number: strconv.ParseFloat: parsing ${JSON.stringify(t)}: invalid syntax`;
    return sign * Number(v);
  }
  const v = Number(t.replace(/_/g, ''));
  if (Number.isNaN(v)) return `error parsing number: strconv.ParseFloat: parsing ${JSON.stringify(t)}: invalid syntax`;
  if (!Number.isFinite(v)) return `error parsing number: strconv.ParseFloat: parsing ${JSON.stringify(t)}: value out of range`;
  return sign * v;
}

const SIMPLE_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

/** A string literal's value (util/strutil.Unquote), or an error message. */
export function unquoteString(text: string): { value: string } | { error: string } {
  const q = text[0];
  if (text.length < 2 || text[text.length - 1] !== q) return { error: q === '`' ? 'unterminated raw string' : 'unterminated quoted string' };
  const body = text.slice(1, -1);
  if (q === '`') return body.includes('`') ? { error: 'invalid syntax' } : { value: body };
  if (body.includes('\n')) return { error: 'unterminated quoted string' };
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === q) return { error: `error unquoting string ${JSON.stringify(text)}: invalid syntax` };
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[i + 1];
    if (e === undefined) return { error: 'escape sequence not terminated' };
    i++;
    if (e in SIMPLE_ESCAPES) out += SIMPLE_ESCAPES[e];
    else if (e === "'" || e === '"') {
      if (e !== q) return { error: `unknown escape sequence U+${e.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} '${e}'` };
      out += e;
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) return { error: `illegal character in escape sequence: ${JSON.stringify(hex)}` };
      const cp = parseInt(hex, 16);
      if (cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000 && e !== 'x')) return { error: 'escape sequence is an invalid Unicode code point' };
      out += String.fromCodePoint(cp);
      i += n;
    } else if (e >= '0' && e <= '7') {
      const oct = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(oct) || parseInt(oct, 8) > 255) return { error: `illegal character in escape sequence: ${JSON.stringify(oct)}` };
      out += String.fromCharCode(parseInt(oct, 8));
      i += 2;
    } else return { error: `unknown escape sequence U+${e.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} '${e}'` };
  }
  return { value: out };
}

/**
 * Why Go's RE2 refuses a regex, or undefined when it compiles: the structural errors in Go's own
 * words (unbalanced groups and classes, a repeat of nothing), the rest as src/core/re2.ts reads it.
 */
export function regexError(re: string): string | undefined {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < re.length; i++) {
    const c = re[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']' && re[i - 1] !== '[' && !(re[i - 1] === '^' && re[i - 2] === '[')) inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') {
      if (--depth < 0) return `error parsing regexp: unexpected ): \`${re}\``;
    } else if ((c === '*' || c === '+' || c === '?') && (i === 0 || re[i - 1] === '|' || (re[i - 1] === '(' && c !== '?'))) {
      // `(?` opens a flag or non-capturing group; a repeat right after `(`, `|` or at the start repeats nothing.
      return `error parsing regexp: missing argument to repetition operator: \`${c}\``;
    }
  }
  if (inClass) return `error parsing regexp: missing closing ]: \`${re}\``;
  if (depth > 0) return `error parsing regexp: missing closing ): \`${re}\``;
  const other = re2Problem(re);
  return other && `error parsing regexp: ${other}: \`${re}\``;
}

/** Whether a matcher matches the empty string (labels.Matcher.Matches("")); false when unsure, so no false "empty selector" error. */
export function matchesEmpty(op: string, value: string): boolean {
  return matcherMatches({ name: '', op, value }, '') ?? false;
}
