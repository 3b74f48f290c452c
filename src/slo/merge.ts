/**
 * SLOs of one shape share their raw reads. A fleet usually defines the same SLO for many
 * services over one metric, the selectors differing only in one label's value
 * (`http_requests_total{job="cart"}`, `{job="checkout"}`, ...). Each SLO's own group would read
 * its 20 series in two rules of its own; Prometheus pays most of a rule's cost per rule and per
 * group, not per series (50 SLOs: 0.086 s in 100 rules, 0.023 s in 2). So SLOs with the same
 * name, SLI kind, grouping and reads, whose selectors differ only in the value of one `=`
 * matcher, are read by one rule per series name: `sum by (service) (...)` over
 * `job=~"cart|checkout"`, the service label set from the matched value. The series recorded are
 * the same as each SLO's own rules would record (labels service, slo and the grouping labels).
 */
import type { AlertRule, RecordingRule, RuleGroup, SloReads } from '../core/model.ts';
import { fnv1a } from '../core/names.ts';
import { matcherText } from '../alertmanager/matchers.ts';
import { countRules, plainSelector, regexQuote } from './sli.ts';

type ParsedRead = { fn: string } & NonNullable<ReturnType<typeof plainSelector>>;

interface Member {
  group: RuleGroup;
  reads: SloReads;
  parsed: ParsedReads;
  value: string;
}

const READ_RULE = /^slo:sli_(total|error):increase(\w+)$/;

/** Merges the raw reads of SLOs of one shape (see above); other groups pass through unchanged. */
export function mergeSloReads(groups: RuleGroup[]): RuleGroup[] {
  const clusters = findClusters(groups);
  if (clusters.length === 0) return groups;
  const removed = new Map<RuleGroup, string>();
  const merged: RuleGroup[] = [];
  const taken = new Set(groups.map((g) => g.name));
  // Services of every SLO by name: a cluster that holds all SLOs of its name selects its
  // recorded series by `slo` alone (no regex of services, which tools that substitute a recorded
  // series by its rule, such as the shared cost harness, cannot do).
  const servicesOf = new Map<string, Set<string>>();
  for (const g of groups)
    for (const r of g.rules) {
      const svc = r.kind === 'record' ? r.labels?.service : undefined;
      if (svc !== undefined && r.labels?.slo !== undefined) (servicesOf.get(r.labels.slo) ?? servicesOf.set(r.labels.slo, new Set()).get(r.labels.slo)!).add(svc);
    }
  for (const c of clusters) {
    let name = `slo-${c.slo}-by-${c.label}`;
    if (taken.has(name)) name = `${name}-${fnv1a(c.key).slice(0, 6)}`;
    taken.add(name);
    const whole = [...(servicesOf.get(c.slo) ?? [])].every((svc) => c.members.some((m) => m.reads.service === svc));
    const group = mergedGroup(name, c, whole);
    merged.push(group);
    for (const m of c.members) removed.set(m.group, name);
  }
  // Scenarios homed in a merged SLO's group run in the merged group's test file, named by service.
  const rehome = new Map([...removed].map(([g, name]) => [g.name, { name, service: g.sloReads!.service }]));
  const out: RuleGroup[] = [];
  let placed = false;
  // A member's no-data alert reads only its own 5m total: it moves to the merged group, so that
  // fifty SLOs do not keep fifty groups of one rule each (Prometheus pays per group too).
  const moved = new Set<RecordingRule | AlertRule>();
  for (const [g, name] of removed) {
    const target = merged.find((m) => m.name === name)!;
    for (const r of g.rules) if (isNoData(r)) (moved.add(r), target.rules.push(r));
  }
  for (const g of groups) {
    // The merged reads go before the shared groups that read them (promtool evaluates in file order).
    if (!placed && g.shared) (out.push(...merged), (placed = true));
    const keep = removed.has(g) ? g.rules.filter((r) => !isRead(r, g.sloReads!) && !moved.has(r)) : g.rules;
    for (const r of keep) if (r.kind === 'alert') rehomeScenarios(r, rehome);
    if (keep.length) out.push(removed.has(g) ? { ...g, rules: keep, sloReads: undefined } : g);
  }
  if (!placed) out.push(...merged);
  return out;
}

function isNoData(rule: RecordingRule | AlertRule): boolean {
  return rule.kind === 'alert' && rule.name.endsWith('SLONoData') && rule.expr.startsWith('absent_over_time(slo:sli_total:increase5m{');
}

function isRead(rule: RecordingRule | AlertRule, reads: SloReads): boolean {
  const m = rule.kind === 'record' ? READ_RULE.exec(rule.name) : null;
  return !!m && reads.windows.includes(m[2]!) && rule.labels?.service === reads.service && rule.labels?.slo === reads.slo;
}

function rehomeScenarios(rule: AlertRule, rehome: Map<string, { name: string; service: string }>): void {
  rule.tests = rule.tests.map((t) => {
    const to = t.home === undefined ? undefined : rehome.get(t.home);
    return to ? { ...t, home: to.name, name: `${t.name} (${to.service})` } : t;
  });
}

interface Cluster {
  key: string;
  slo: string;
  label: string;
  members: Member[];
}

/** Clusters of two or more SLOs whose reads differ only in one label's `=` value. */
function findClusters(groups: RuleGroup[]): Cluster[] {
  const byKey = new Map<string, { label: string; members: Member[] }>();
  const options = new Map<RuleGroup, string[]>();
  for (const g of groups) {
    const reads = g.sloReads;
    if (!reads) continue;
    const parsed = parseReads(reads);
    if (!parsed) continue;
    const keys: string[] = [];
    for (const m of parsed.total.matchers) {
      if (m.op !== '=' || reads.groupBy.includes(m.name)) continue;
      const key = shapeKey(reads, parsed, m.name);
      if (!key) continue;
      keys.push(key);
      const entry = byKey.get(key) ?? byKey.set(key, { label: m.name, members: [] }).get(key)!;
      entry.members.push({ group: g, reads, parsed, value: m.value });
    }
    options.set(g, keys);
  }
  // Each SLO joins the largest cluster it can (ties: by key, so the choice is deterministic).
  const size = new Map([...byKey].map(([k, e]) => [k, new Set(e.members.map((m) => m.value)).size]));
  const chosen = new Map<string, Member[]>();
  for (const [g, keys] of options) {
    const best = [...keys].sort((a, b) => size.get(b)! - size.get(a)! || (a < b ? -1 : 1))[0];
    if (!best) continue;
    const member = byKey.get(best)!.members.find((m) => m.group === g)!;
    (chosen.get(best) ?? chosen.set(best, []).get(best)!).push(member);
  }
  const out: Cluster[] = [];
  for (const [key, list] of [...chosen].sort(([a], [b]) => (a < b ? -1 : 1))) {
    // One SLO per value and per service: the value says which service a series belongs to.
    const seenValue = new Set<string>();
    const seenService = new Set<string>();
    const members = [...list]
      .sort((a, b) => (a.reads.service < b.reads.service ? -1 : a.reads.service > b.reads.service ? 1 : 0))
      .filter((m) => {
        if (seenValue.has(m.value) || seenService.has(m.reads.service)) return false;
        seenValue.add(m.value);
        seenService.add(m.reads.service);
        return true;
      });
    if (members.length >= 2) out.push({ key, slo: members[0]!.reads.slo, label: byKey.get(key)!.label, members });
  }
  return out;
}

type ParsedReads = { total: ParsedRead; bad?: ParsedRead; good?: ParsedRead };

/** The reads as plain selectors, or undefined if one is not. */
function parseReads(reads: SloReads): ParsedReads | undefined {
  const out: ParsedReads = {} as ParsedReads;
  for (const side of ['total', 'bad', 'good'] as const) {
    const r = reads.reads[side];
    if (!r) continue;
    const sel = plainSelector(r.selector);
    if (!sel) return undefined;
    out[side] = { fn: r.fn, ...sel };
  }
  return out;
}

/** What must be equal for two SLOs to share reads, with `label`'s value left out; undefined if the reads disagree on it. */
function shapeKey(reads: SloReads, parsed: ParsedReads, label: string): string | undefined {
  const value = parsed.total.matchers.find((m) => m.name === label)!.value;
  const sides: unknown[] = [];
  for (const side of ['total', 'bad', 'good'] as const) {
    const p = parsed[side];
    if (!p) continue;
    const on = p.matchers.filter((m) => m.name === label);
    if (on.length !== 1 || on[0]!.op !== '=' || on[0]!.value !== value) return undefined;
    sides.push([side, p.fn, p.metric, p.matchers.map((m) => (m.name === label ? `${label}=$` : matcherText(m)))]);
  }
  return JSON.stringify([reads.slo, reads.kind, reads.groupBy, reads.windows, label, sides]);
}

function mergedGroup(name: string, c: Cluster, whole: boolean): RuleGroup {
  const { reads: first, parsed } = c.members[0]!;
  const g = first.groupBy;
  const services = c.members.map((m) => m.reads.service);
  const byService = c.members.every((m) => c.label === 'service' && m.value === m.reads.service);
  const values = c.members.map((m) => m.value);
  const read = (p: ParsedRead, window: string, by: string[] = g) => {
    const matchers = p.matchers.map((m) => (m.name === c.label ? matcherText({ name: m.name, op: '=~', value: values.map(regexQuote).join('|') }) : matcherText(m)));
    const inner = `${p.fn}(${p.metric}{${matchers.join(',')}}[${window}])`;
    const out = ['service', ...by].join(', ');
    if (byService) return `sum by (${out}) (${inner})`;
    // The value of the label names the service: one label_replace per SLO.
    let e = `sum by (${[c.label, ...by].join(', ')}) (${inner})`;
    for (const m of c.members) e = `label_replace(${e}, "service", ${JSON.stringify(m.reads.service)}, ${JSON.stringify(c.label)}, ${JSON.stringify(regexQuote(m.value))})`;
    return `sum by (${out}) (${e})`;
  };
  const on = `on (${['service', ...g].join(', ')})`;
  const cluster = whole ? `{slo=${JSON.stringify(c.slo)}` : `{service=~${JSON.stringify(services.map(regexQuote).join('|'))},slo=${JSON.stringify(c.slo)}`;
  const rules: RecordingRule[] = [];
  const source = c.members[0]!.group.source;
  const testsOf = (ruleName: string) =>
    c.members.flatMap((m) => {
      const own = m.group.rules.find((r): r is RecordingRule => r.kind === 'record' && r.name === ruleName && isRead(r, m.reads));
      return (own?.tests ?? []).map((t) => ({ ...t, name: `${t.name} (${m.reads.service})` }));
    });
  for (const w of first.windows) {
    for (const [rule, expr] of countRules(w, read(parsed.total, w), parsed.bad && read(parsed.bad, w), parsed.good && read(parsed.good, w), cluster, on)) {
      const tests = testsOf(rule);
      rules.push({ kind: 'record', name: rule, expr, labels: { slo: c.slo }, source, ...(tests.length ? { tests } : {}) });
    }
  }
  return { name, rules, source, shared: true };
}
