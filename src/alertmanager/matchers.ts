/** Alertmanager matchers: from obsgen's map form to text, parsing text, and matching label sets. */
import type { PathPart } from '../core/diagnostics.ts';
import type { Matcher } from '../core/model.ts';
import { anchoredRe2 } from '../core/re2.ts';
import type { RouteProps } from './schema.ts';

type MatchValue = string | string[] | { re: string } | { not: string } | { notRe: string };

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function matchersFromMap(map: Record<string, MatchValue> | undefined): Matcher[] {
  if (!map) return [];
  return Object.keys(map)
    .sort()
    .map((name) => {
      const v = map[name]!;
      if (typeof v === 'string') return { name, op: '=', value: v } as Matcher;
      if (Array.isArray(v)) return { name, op: '=~', value: v.map(escapeRegex).join('|') } as Matcher;
      if ('re' in v) return { name, op: '=~', value: v.re } as Matcher;
      if ('not' in v) return { name, op: '!=', value: v.not } as Matcher;
      return { name, op: '!~', value: v.notRe } as Matcher;
    });
}

// Alertmanager's classic matcher syntax (pkg/labels/parse.go): a label name (colons allowed),
// an operator, and a value that may be double-quoted with OpenMetrics escapes.
const MATCHER_RE = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|=|!=|!~)\s*([\s\S]*?)\s*$/;

/** One matcher, parsed as Alertmanager parses it; throws with Alertmanager's reason. */
export function parseMatcher(text: string): Matcher {
  const m = MATCHER_RE.exec(text);
  if (!m) throw new Error(`bad matcher format: ${text}`);
  let raw = m[3]!;
  const quoted = raw.startsWith('"');
  if (quoted) raw = raw.slice(1);
  let value = '';
  let escaped = false;
  let closed = !quoted;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (escaped) {
      escaped = false;
      value += c === 'n' ? '\n' : c === '"' || c === '\\' ? c : `\\${c}`;
      continue;
    }
    if (c === '\\') {
      if (i < raw.length - 1) escaped = true;
      else value += c;
    } else if (c === '"') {
      if (!quoted || i < raw.length - 1) throw new Error(`matcher value contains unescaped double quote: ${m[3]}`);
      closed = true;
    } else value += c;
  }
  if (!closed) throw new Error(`matcher value contains unescaped double quote: ${m[3]}`);
  return { name: m[1]!, op: m[2] as Matcher['op'], value };
}

/**
 * A comma-separated list of matchers (`{a="1", b=~"x|y"}`), split as Alertmanager splits
 * it: commas inside double quotes do not separate, an optional `{`/`}` and a trailing comma go.
 */
export function parseMatchers(text: string): Matcher[] {
  let s = text.startsWith('{') ? text.slice(1) : text;
  if (s.endsWith('}')) s = s.slice(0, -1);
  const tokens: string[] = [];
  let token = '';
  let inQuotes = false;
  let escaped = false;
  for (const c of s) {
    if (c === ',' && !inQuotes) {
      tokens.push(token);
      token = '';
      continue;
    }
    if (c === '"') {
      if (!escaped) inQuotes = !inQuotes;
      else escaped = false;
    } else if (c === '\\') escaped = !escaped;
    else escaped = false;
    token += c;
  }
  if (token.trim() !== '') tokens.push(token.trim());
  return tokens.map(parseMatcher);
}

/** The matchers of a route whose text parses (a text that does not is reported by validation). */
export function routeMatchers(route: RouteProps): Matcher[] {
  return emittedRouteMatchers(route).flatMap((e) => (e.matcher ? [e.matcher] : []));
}

/**
 * Each matcher alertmanager.yml gets for a route, with the props key it comes from (`match.severity`,
 * `matchers[1]`): a text that does not parse is written as it is, for validation to report at its key.
 */
export function emittedRouteMatchers(route: RouteProps): { text: string; source: PathPart[]; matcher?: Matcher }[] {
  const fromMap = matchersFromMap(route.match as Record<string, MatchValue> | undefined).map((m) => ({ text: matcherText(m), source: ['match', m.name] as PathPart[], matcher: m }));
  const fromText = (route.matchers ?? []).flatMap((t, i) => {
    try {
      return parseMatchers(t).map((m) => ({ text: matcherText(m), source: ['matchers', i] as PathPart[], matcher: m }));
    } catch {
      return [{ text: t, source: ['matchers', i] as PathPart[] }];
    }
  });
  return [...fromMap, ...fromText];
}

/** `name="value"`: the same text in Alertmanager matchers and PromQL selectors. */
export function matcherText(m: Pick<Matcher, 'name' | 'value'> & { op: string }): string {
  return `${m.name}${m.op}${JSON.stringify(m.value)}`;
}

// Routing and inhibition checks match every alert against every rule: compile each regex once.
const anchored = new Map<string, RegExp>();
function anchoredRegex(source: string): RegExp {
  let re = anchored.get(source);
  if (!re) {
    try {
      re = anchoredRe2(source);
    } catch {
      // Reported by validation (validate.ts); until fixed, the matcher matches nothing.
      re = /(?!)/;
    }
    anchored.set(source, re);
  }
  return re;
}

export function matches(m: Matcher, labels: Record<string, string>): boolean {
  const v = labels[m.name] ?? '';
  switch (m.op) {
    case '=':
      return v === m.value;
    case '!=':
      return v !== m.value;
    case '=~':
      return anchoredRegex(m.value).test(v);
    case '!~':
      return !anchoredRegex(m.value).test(v);
  }
}

export function matchesAll(ms: Matcher[], labels: Record<string, string>): boolean {
  return ms.every((m) => matches(m, labels));
}

/** A label value that satisfies the matcher, or undefined when none of the tries does. */
export function exampleValue(m: Matcher): string | undefined {
  if (m.op === '=') return m.value;
  const tries = m.op === '=~' ? [...m.value.split('|').map((s) => s.replace(/\\(.)/g, '$1')), m.value.replace(/[.*+?^$()|[\]\\]/g, '')] : ['obsgen-other', 'x', ''];
  return tries.find((t) => matches(m, { [m.name]: t }));
}
