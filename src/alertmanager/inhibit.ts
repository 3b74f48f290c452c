/**
 * Inhibition as Alertmanager applies it, and the expectations routes.test.json pins for
 * each inhibit rule: amtool can test routes but not inhibition, so obsgen checks these
 * cases itself (in `obsgen test` and `obsgen lint`) against the emitted alertmanager.yml.
 */
import type { Matcher } from '../core/model.ts';
import { exampleValue, matchesAll } from './matchers.ts';

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
 * Whether `target` is muted by `source` under `rule`: the source matches the source
 * matchers, the target the target matchers, every `equal` label has the same value on
 * both (a missing label counts as ""), and the two are not the same alert.
 */
export function inhibits(rule: InhibitRuleLike, source: Record<string, string>, target: Record<string, string>): boolean {
  if (!matchesAll(rule.sourceMatchers, source) || !matchesAll(rule.targetMatchers, target)) return false;
  if (!rule.equal.every((l) => (source[l] ?? '') === (target[l] ?? ''))) return false;
  const key = (l: Record<string, string>) => JSON.stringify(Object.keys(l).sort().map((k) => [k, l[k]]));
  return key(source) !== key(target);
}

function satisfy(ms: Matcher[], base: Record<string, string>): Record<string, string> | undefined {
  const out = { ...base };
  for (const m of ms) {
    if (m.op === '!=' || m.op === '!~') continue;
    const v = exampleValue(m);
    if (v === undefined) return undefined;
    out[m.name] = v;
  }
  return matchesAll(ms, out) ? out : undefined;
}

/**
 * Two cases per rule: a source and a target alert that agree on the `equal` labels (muted),
 * and the same pair with the first `equal` label differing (not muted). Taken from the
 * stack's alerts where a matching pair exists, else built from the matchers.
 */
export function inhibitionExpectations(rules: InhibitRuleLike[], alerts: Record<string, string>[]): InhibitionCase[] {
  const out: InhibitionCase[] = [];
  rules.forEach((rule, i) => {
    let pair: { source: Record<string, string>; target: Record<string, string> } | undefined;
    // Targets indexed by their `equal` labels: a scan of every pair is quadratic in the alerts.
    const equalKey = (l: Record<string, string>) => JSON.stringify(rule.equal.map((k) => l[k] ?? ''));
    const targets = new Map<string, Record<string, string>[]>();
    for (const a of alerts) {
      if (!matchesAll(rule.targetMatchers, a)) continue;
      const k = equalKey(a);
      const list = targets.get(k);
      if (list) list.push(a);
      else targets.set(k, [a]);
    }
    for (const s of alerts) {
      if (!matchesAll(rule.sourceMatchers, s)) continue;
      const t = targets.get(equalKey(s))?.find((a) => a !== s && inhibits(rule, s, a));
      if (t) {
        pair = { source: s, target: t };
        break;
      }
    }
    if (!pair) {
      const shared = Object.fromEntries(rule.equal.map((l) => [l, `same-${l}`]));
      const source = satisfy(rule.sourceMatchers, { alertname: 'InhibitSource', ...shared });
      const target = source && satisfy(rule.targetMatchers, { ...shared, alertname: source.alertname === shared.alertname ? source.alertname! : 'InhibitTarget' });
      if (source && target && inhibits(rule, source, target)) pair = { source, target };
    }
    if (!pair) return;
    out.push({ name: `inhibit_rules[${i}] mutes ${pair.target.alertname ?? 'the target'} while ${pair.source.alertname ?? 'the source'} fires`, rule: i, ...pair, inhibited: true });
    const differ = rule.equal[0];
    if (differ) {
      const target = { ...pair.target, [differ]: `${pair.target[differ] ?? ''}-other` };
      if (matchesAll(rule.targetMatchers, target)) {
        out.push({ name: `inhibit_rules[${i}] does not mute across different ${differ}`, rule: i, source: pair.source, target, inhibited: false });
      }
    }
  });
  return out;
}
