/** Alertmanager matchers: from obsgen's map form to text, parsing text, and matching label sets. */
import type { Matcher } from '../core/model.ts';
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

export function parseMatcher(text: string): Matcher {
  const m = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$/.exec(text);
  if (!m) throw new Error(`bad matcher ${JSON.stringify(text)}`);
  let value = m[3]!;
  if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = JSON.parse(value) as string;
  return { name: m[1]!, op: m[2] as Matcher['op'], value };
}

export function routeMatchers(route: RouteProps): Matcher[] {
  return [...matchersFromMap(route.match as Record<string, MatchValue> | undefined), ...(route.matchers ?? []).map(parseMatcher)];
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
    re = new RegExp(`^(?:${source})$`);
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
