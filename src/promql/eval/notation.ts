/**
 * The expanding series notation of promtool test files (`input_series[].values`) and promqltest
 * `load` blocks, read as Prometheus's series-description lexer and grammar read it
 * (promql/parser/lex.go lexValueSequence/scanNumber, generated_parser.y series_item):
 *   `a+bxN` -> N+1 values a, a+b, ... (added step by step in float64, as Go does)
 *   `axN`   -> N+1 copies of a;  `_` -> one omitted value;  `_xN` -> N omitted values
 *   `stale` -> a staleness marker;  numbers: 1, -2.5, 1e3, 1_000, 010 (octal, ParseInt base 0), Inf, NaN.
 */
import { unquoteString } from '../literals.ts';

/** One expanded value: a float, a staleness marker, or null for an omitted `_`. */
export type SeriesValue = { value: number } | { stale: true } | null;

export class NotationError extends Error {}

const NUMBER_RE = /^(?:\.?[0-9])[0-9._eE+-]*$/;

/** strconv.ParseInt(s, 0, 64), then ParseFloat: what Prometheus's parser.number does. */
function parseNumber(text: string): number {
  const lower = text.toLowerCase();
  if (lower === 'inf') return Infinity;
  if (lower === 'nan') return NaN;
  if (!NUMBER_RE.test(text) || /__|_$|\._|_\.|[eE]_|_[eE]/.test(text)) throw new NotationError(`bad number syntax: ${JSON.stringify(text)}`);
  const plain = text.replace(/_/g, '');
  // ParseInt with base 0 reads a leading 0 as octal.
  if (/^0[0-7]+$/.test(plain)) return parseInt(plain, 8);
  if (/^0[0-9]+$/.test(plain)) {
    // Octal ParseInt fails on 8/9; ParseFloat then reads it as decimal.
    return Number(plain);
  }
  const v = Number(plain);
  if (Number.isNaN(v)) throw new NotationError(`error parsing number: ${JSON.stringify(text)}`);
  return v;
}

/** A repetition count after `x`: a base-10 uint64. */
function parseTimes(text: string, item: string): number {
  if (!/^[0-9]+$/.test(text)) throw new NotationError(`invalid repetition in series values: ${JSON.stringify(item)}`);
  return Number(text);
}

// value [(+|-)number] [x uint]; value is stale, Inf, NaN, a number, each optionally signed.
const ITEM_RE = /^([+-]?(?:stale|[Ii][Nn][Ff]|[Nn][Aa][Nn]|\.?[0-9](?:[0-9_.]|[eE][+-]?)*))(?:([+-])((?:[Ii][Nn][Ff]|[Nn][Aa][Nn]|\.?[0-9](?:[0-9_.]|[eE][+-]?)*)))?(?:x(.*))?$/;

/** One whitespace-separated item of the notation, expanded. */
function expandItem(item: string): SeriesValue[] {
  if (item === '_') return [null];
  if (item.startsWith('_x')) return new Array<SeriesValue>(parseTimes(item.slice(2), item)).fill(null);
  if (item.startsWith('{{')) throw new NotationError(`native histogram values are not supported: ${item}`);
  const m = ITEM_RE.exec(item);
  if (!m) throw new NotationError(`unexpected ${JSON.stringify(item)} in series values, expected number or "stale"`);
  const [, head, sign, stepText, timesText] = m;
  let sgn = 1;
  let body = head!;
  if (body[0] === '+' || body[0] === '-') {
    sgn = body[0] === '-' ? -1 : 1;
    body = body.slice(1);
  }
  const stale = body === 'stale';
  if (stale && sgn === -1) throw new NotationError(`unexpected "-stale" in series values`);
  let value = stale ? NaN : sgn * parseNumber(body);
  if (sign !== undefined && timesText === undefined) throw new NotationError(`unexpected ${JSON.stringify(item)} in series values: a step needs a repetition (a+bxN)`);
  if (timesText === undefined) return [stale ? { stale: true } : { value }];
  const times = parseTimes(timesText, item);
  const step = sign === undefined ? 0 : (sign === '-' ? -1 : 1) * parseNumber(stepText!);
  const out: SeriesValue[] = [];
  // N+1 values: the grammar adds one for time 0. Accumulated as Go does ($1 += $2).
  for (let i = 0; i <= times; i++) {
    out.push(stale ? { stale: true } : { value });
    value += step;
  }
  return out;
}

/** Expands the values part of a series line (`1+2x10 _ stale 5`). Throws NotationError. */
export function expandSeriesValues(text: string): SeriesValue[] {
  const out: SeriesValue[] = [];
  for (const item of text.trim().split(/\s+/)) {
    if (item === '') continue;
    for (const v of expandItem(item)) out.push(v);
  }
  return out;
}

const IDENT_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_RE = /^[a-zA-Z_][a-zA-Z0-9_]*/;

/** A quoted string at the start of `s`: its value and length. */
function readString(s: string): { value: string; length: number } {
  const q = s[0]!;
  let i = 1;
  while (i < s.length && s[i] !== q) i += s[i] === '\\' && q !== '`' ? 2 : 1;
  if (i >= s.length) throw new NotationError(`unterminated string in series: ${s}`);
  const r = unquoteString(s.slice(0, i + 1));
  if ('error' in r) throw new NotationError(`${r.error} in series: ${s.slice(0, i + 1)}`);
  return { value: r.value, length: i + 1 };
}

/** Reads `metric{a="b"}` (or `{__name__="m", ...}`, `{"utf8.name"}`) at the start of `line`. */
export function parseSeriesLabels(line: string): { labels: Record<string, string>; rest: string } {
  let s = line.trim();
  const labels: Record<string, string> = {};
  const name = IDENT_RE.exec(s);
  if (name) {
    labels.__name__ = name[0];
    s = s.slice(name[0].length);
  }
  if (s.startsWith('{')) {
    s = s.slice(1).trimStart();
    while (!s.startsWith('}')) {
      let label: string;
      if (s[0] === '"' || s[0] === "'" || s[0] === '`') {
        const q = readString(s);
        label = q.value;
        s = s.slice(q.length).trimStart();
        if (s[0] === ',' || s[0] === '}') {
          // A lone quoted name is the metric name.
          labels.__name__ = label;
          if (s[0] === ',') s = s.slice(1).trimStart();
          continue;
        }
      } else {
        const l = LABEL_RE.exec(s);
        if (!l) throw new NotationError(`unexpected ${JSON.stringify(s.slice(0, 10))} in label set, expected identifier or "}"`);
        label = l[0];
        s = s.slice(label.length).trimStart();
      }
      if (s[0] !== '=') throw new NotationError(`unexpected ${JSON.stringify(s.slice(0, 10))} in label set, expected "="`);
      s = s.slice(1).trimStart();
      const v = readString(s);
      labels[label] = v.value;
      s = s.slice(v.length).trimStart();
      if (s[0] === ',') s = s.slice(1).trimStart();
      else if (s[0] !== '}') throw new NotationError(`unexpected ${JSON.stringify(s.slice(0, 10))} in label set, expected "," or "}"`);
    }
    s = s.slice(1);
  } else if (!name) throw new NotationError(`unexpected ${JSON.stringify(line.trim().slice(0, 20))}, expected a metric name or "{"`);
  return { labels, rest: s };
}

/** A full series line: `metric{a="b"} 1+1x10`. Throws NotationError. */
export function parseSeriesLine(line: string): { labels: Record<string, string>; values: SeriesValue[] } {
  const { labels, rest } = parseSeriesLabels(line);
  if (rest !== '' && !/^\s/.test(rest)) throw new NotationError(`unexpected ${JSON.stringify(rest.slice(0, 10))} after the series labels`);
  return { labels, values: expandSeriesValues(rest) };
}
