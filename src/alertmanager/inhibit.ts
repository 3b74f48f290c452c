/**
 * Inhibition as Alertmanager applies it (inhibit/inhibit.go), over the label sets the stack's
 * alerts can really carry: which (source, target) alert pairs a rule can mute, why a rule
 * can mute none of them, and the expectations routes.test.json pins for each rule. amtool
 * can test routes but not inhibition, so obsgen checks these cases itself (in `obsgen test`
 * and `obsgen lint`) against the emitted alertmanager.yml.
 */
import type { Matcher } from '../core/model.ts';
import type { LabelSet } from '../promql/labels.ts';
import { exampleValue, matches, matchesAll } from './matchers.ts';

export interface InhibitRuleLike {
  sourceMatchers: Matcher[];
  targetMatchers: Matcher[];
  equal: string[];
}

export interface InhibitionCase {
  /** Why the case exists, e.g. "inhibit_rules[0]: critical mutes warning". */
  name: string;
  /** Index of the rule in alertmanager.yml's inhibit_rules. */
  rule: number;
  /** A firing alert. */
  source: Record<string, string>;
  /** The alert that is, or is not, muted by it. */
  target: Record<string, string>;
  inhibited: boolean;
}

/**
 * Whether `target` is muted by `source` under `rule`, as Alertmanager decides it: the target
 * matches the target matchers, the source the source matchers, every `equal` label has the
 * same value on both (Alertmanager reads a missing label as "", so a label on one side only
 * never equals), and, when the target also matches the source matchers, the source must not
 * match the target matchers (Alertmanager skips sources that match both sides; this is also
 * why an alert never mutes itself).
 */
export function inhibits(rule: InhibitRuleLike, source: Record<string, string>, target: Record<string, string>): boolean {
  if (!matchesAll(rule.targetMatchers, target) || !matchesAll(rule.sourceMatchers, source)) return false;
  if (!rule.equal.every((l) => (source[l] ?? '') === (target[l] ?? ''))) return false;
  return !(matchesAll(rule.sourceMatchers, target) && matchesAll(rule.targetMatchers, source));
}

/**
 * An alert rule's labels as Alertmanager receives them: the rule's static labels and
 * `alertname` (they override the series' labels), and the labels its expression's series can
 * carry (the label flow).
 */
export interface AlertLabels {
  name: string;
  static: Record<string, string>;
  dynamic: LabelSet;
}

/** How an alert holds one label: a fixed value, always some value, maybe, or never (""). */
export type Presence = { kind: 'value'; value: string } | { kind: 'always' } | { kind: 'maybe' } | { kind: 'never' };

export function presence(a: AlertLabels, label: string): Presence {
  if (label in a.static) {
    const v = a.static[label]!;
    // A templated value renders per alert (maybe to ""); an empty one deletes the label.
    if (v.includes('{{')) return { kind: 'maybe' };
    return v === '' ? { kind: 'never' } : { kind: 'value', value: v };
  }
  if (a.dynamic.always?.has(label)) return { kind: 'always' };
  if (a.dynamic.open || a.dynamic.labels.has(label)) return { kind: 'maybe' };
  return { kind: 'never' };
}

/** Whether some non-empty value satisfies the matcher (regexes: judged by their alternatives). */
function matchesSomeValue(m: Matcher): boolean {
  if (m.op === '=') return m.value !== '';
  if (m.op === '!=') return true;
  if (m.op === '!~') return !['.*', '.+', '(?s:.*)', '(?s:.+)'].includes(m.value);
  const v = exampleValue(m);
  return v === undefined ? true : v !== '' || m.value !== '';
}

/** Whether an alert of this shape may match every matcher. */
export function mayMatch(ms: Matcher[], a: AlertLabels): boolean {
  return ms.every((m) => {
    const p = presence(a, m.name);
    if (p.kind === 'value') return matches(m, { [m.name]: p.value });
    if (p.kind === 'never') return matches(m, {});
    if (p.kind === 'always') return matchesSomeValue(m);
    return matches(m, {}) || matchesSomeValue(m);
  });
}

/** Whether a source and a target holding one `equal` label this way can have the same value. */
function agree(s: Presence, t: Presence): boolean {
  if (s.kind === 'value' && t.kind === 'value') return s.value === t.value;
  if (s.kind === 'never') return t.kind === 'never' || t.kind === 'maybe';
  if (t.kind === 'never') return s.kind === 'maybe';
  return true;
}

/** Whether an alert of shape `s` may mute one of shape `t` under the rule. */
export function mayMute(rule: InhibitRuleLike, s: AlertLabels, t: AlertLabels): boolean {
  return mayMatch(rule.sourceMatchers, s) && mayMatch(rule.targetMatchers, t) && rule.equal.every((l) => agree(presence(s, l), presence(t, l)));
}

/**
 * Matchers on severity alone (besides labels required absent, `slo=""`): a policy ladder
 * ("critical mutes warning") that applies to whatever alerts a stack has or will have.
 */
export function isPolicyLadder(rule: InhibitRuleLike): boolean {
  const ladder = (ms: Matcher[]) => ms.some((m) => m.name === 'severity') && ms.every((m) => m.name === 'severity' || (m.op === '=' && m.value === ''));
  return ladder(rule.sourceMatchers) && ladder(rule.targetMatchers);
}

/**
 * Whether `equal` label l keeps a source of shape s from ever muting a target of shape t. For
 * a policy ladder only a label one side carries and the other cannot counts: two alerts with
 * different names are no defect of a ladder, whose next alert may pair up; a label one side
 * can never carry stays missing.
 */
function blocks(l: string, s: AlertLabels, t: AlertLabels, ladder: boolean): boolean {
  const [ps, pt] = [presence(s, l), presence(t, l)];
  return !agree(ps, pt) && (!ladder || ps.kind === 'never' || pt.kind === 'never');
}

/** The first `equal` label that keeps s from muting t, if any. */
function blockingLabel(rule: InhibitRuleLike, s: AlertLabels, t: AlertLabels, ladder: boolean): string | undefined {
  return rule.equal.find((l) => blocks(l, s, t, ladder));
}

function names(list: AlertLabels[]): string {
  const n = [...new Set(list.map((a) => a.name))];
  return n.slice(0, 4).join(', ') + (n.length > 4 ? `, ... (${n.length} alerts)` : '');
}

function side(what: string, list: AlertLabels[], label: string): string {
  // One clause per way of holding the label, so the message stays short for many alerts.
  const by = { value: [] as AlertLabels[], always: [] as AlertLabels[], maybe: [] as AlertLabels[], never: [] as AlertLabels[] };
  for (const a of list) by[presence(a, label).kind].push(a);
  const out: string[] = [];
  if (by.value.length) {
    const values = [...new Set(by.value.map((a) => (presence(a, label) as { value: string }).value))];
    out.push(`${what} ${names(by.value)} carry ${label}=${values.slice(0, 4).map((v) => JSON.stringify(v)).join(' | ')}${values.length > 4 ? ' | ...' : ''}`);
  }
  if (by.always.length) out.push(`${what} ${names(by.always)} always carry ${label}`);
  if (by.maybe.length) out.push(`${what} ${names(by.maybe)} may carry ${label}`);
  if (by.never.length) out.push(`${what} ${names(by.never)} cannot carry ${label} (no static label, and their expression's result drops it)`);
  return out.join('; ');
}

/**
 * Why the rule can mute no real alert, or undefined when it can mute some pair, or when no
 * alert of the stack matches one of its sides (a separate finding: nothing to pair).
 */
export function whyNeverMutes(rule: InhibitRuleLike, alerts: AlertLabels[]): string | undefined {
  const sources = alerts.filter((a) => mayMatch(rule.sourceMatchers, a));
  const targets = alerts.filter((a) => mayMatch(rule.targetMatchers, a));
  if (!sources.length || !targets.length) return undefined;
  const ladder = isPolicyLadder(rule);
  if (sources.some((s) => targets.some((t) => !blockingLabel(rule, s, t, ladder)))) return undefined;
  const how = 'Alertmanager mutes only when every equal label has the same value on both alerts, and reads a missing label as ""';
  // One label that no pair agrees on explains it all.
  for (const l of rule.equal) {
    if (sources.every((s) => targets.every((t) => blocks(l, s, t, ladder)))) {
      return `equal label ${l} never has the same value on a source and a target alert: ${side('source alerts', sources, l)}; ${side('target alerts', targets, l)}. ${how}`;
    }
  }
  const [s, t] = [sources[0]!, targets[0]!];
  const l = blockingLabel(rule, s, t, ladder)!;
  return `no source alert (${names(sources)}) agrees with a target alert (${names(targets)}) on all of equal [${rule.equal.join(', ')}]; e.g. on ${l}: ${side('source', [s], l)}; ${side('target', [t], l)}. ${how}`;
}

/** A value for a label an alert's series carry, satisfying the matchers on it when they say which. */
function dynamicValue(label: string, ms: Matcher[], suffix: string): string {
  for (const m of ms) {
    if (m.name !== label || (m.op !== '=' && m.op !== '=~')) continue;
    const v = exampleValue(m);
    if (v) return v;
  }
  return `${label}-${suffix}`;
}

/**
 * One alert of the shape as Alertmanager would receive it: its static labels, a value for
 * every label its series always carry, and the given `equal` label values ("" leaves it out).
 */
function concrete(a: AlertLabels, ms: Matcher[], fixed: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of a.dynamic.always ?? []) out[l] = dynamicValue(l, ms, '1');
  for (const m of ms) {
    const p = presence(a, m.name);
    if ((p.kind === 'always' || p.kind === 'maybe') && !matches(m, out)) out[m.name] = dynamicValue(m.name, ms, '1');
  }
  for (const [k, v] of Object.entries(a.static)) {
    if (v === '') delete out[k];
    else out[k] = v.includes('{{') ? `${k}-1` : v;
  }
  for (const [k, v] of Object.entries(fixed)) {
    if (v === '') delete out[k];
    else out[k] = v;
  }
  return out;
}

/** The `equal` label values a pair can share: a fixed value, "" (both without it) or a common one. */
function sharedValues(rule: InhibitRuleLike, s: AlertLabels, t: AlertLabels): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of rule.equal) {
    const [ps, pt] = [presence(s, l), presence(t, l)];
    if (ps.kind === 'value') out[l] = ps.value;
    else if (pt.kind === 'value') out[l] = pt.value;
    else if (ps.kind === 'never' || pt.kind === 'never') out[l] = '';
    else out[l] = dynamicValue(l, [...rule.sourceMatchers, ...rule.targetMatchers], '1');
  }
  return out;
}

function sorted(l: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(l).sort().map((k) => [k, l[k]!]));
}

/**
 * Two cases per rule, from a pair of the stack's own alerts with label sets they can really
 * carry: the source mutes the target when they agree on the `equal` labels, and does not when
 * one `equal` label differs. A rule that no real pair satisfies gets no case (the build
 * reports it); made-up label sets would only make it look tested.
 */
export function inhibitionExpectations(rules: InhibitRuleLike[], alerts: AlertLabels[]): InhibitionCase[] {
  const out: InhibitionCase[] = [];
  rules.forEach((rule, i) => {
    const sources = alerts.filter((a) => mayMatch(rule.sourceMatchers, a));
    const targets = alerts.filter((a) => mayMatch(rule.targetMatchers, a));
    let found: { s: AlertLabels; t: AlertLabels; source: Record<string, string>; target: Record<string, string> } | undefined;
    search: for (const s of sources) {
      for (const t of targets) {
        if (!mayMute(rule, s, t)) continue;
        const shared = sharedValues(rule, s, t);
        const source = concrete(s, rule.sourceMatchers, shared);
        const target = concrete(t, rule.targetMatchers, shared);
        if (inhibits(rule, source, target)) {
          found = { s, t, source, target };
          break search;
        }
      }
    }
    if (!found) return;
    const { s, t, source, target } = found;
    out.push({ name: `inhibit_rules[${i}] mutes ${t.name} while ${s.name} fires`, rule: i, source: sorted(source), target: sorted(target), inhibited: true });
    // The same pair with one `equal` label differing, on a side whose alerts carry it with any value.
    for (const l of rule.equal) {
      const tp = presence(t, l);
      const sp = presence(s, l);
      const other = (v: string | undefined) => (v ? `${v}-other` : `${l}-other`);
      const cand =
        tp.kind === 'always' || tp.kind === 'maybe'
          ? { source, target: { ...target, [l]: other(target[l]) } }
          : sp.kind === 'always' || sp.kind === 'maybe'
            ? { source: { ...source, [l]: other(source[l]) }, target }
            : undefined;
      if (!cand || !matchesAll(rule.targetMatchers, cand.target) || !matchesAll(rule.sourceMatchers, cand.source) || inhibits(rule, cand.source, cand.target)) continue;
      out.push({ name: `inhibit_rules[${i}] does not mute across different ${l}`, rule: i, source: sorted(cand.source), target: sorted(cand.target), inhibited: false });
      return;
    }
    // No side carries an `equal` label whose value can vary (all static, e.g. alertname): another
    // of the stack's targets that differs from the source on one shows the label is compared.
    for (const t2 of targets) {
      const l = rule.equal.find((x) => !agree(presence(s, x), presence(t2, x)));
      if (!l) continue;
      const target2 = concrete(t2, rule.targetMatchers, {});
      if (!matchesAll(rule.targetMatchers, target2) || inhibits(rule, source, target2)) continue;
      out.push({ name: `inhibit_rules[${i}] does not mute ${t2.name} while ${s.name} fires (different ${l})`, rule: i, source: sorted(source), target: sorted(target2), inhibited: false });
      return;
    }
  });
  return out;
}
