/**
 * A rule group evaluated as rules/group.go does: rules in order, each rule's result written to the
 * store at once (so later rules of the group, and later evaluations, read it), and a staleness
 * marker for every series a rule wrote last time and not this time.
 */
import { AlertingRuleState, labelsKey, type Expand } from './alerting.ts';
import { ruleQuery, STALE, type RuleEngine, type Sample } from './evaluator.ts';
import type { Labels } from './format.ts';
import type { GroupDef, RuleDef } from './rulefile.ts';

export interface RuleRuntime {
  def: RuleDef;
  alerting?: AlertingRuleState;
  lastError?: string;
  /** Series written at the previous evaluation, by identity. */
  previous: Map<string, Labels>;
}

/** Renders a rule's label or annotation templates for a sample at a time (template.ts + the engine's query). */
export type ExpanderFactory = (rule: RuleDef, tMs: number) => Expand;

/**
 * Per recording rule: input label set -> output label set (see record). Rule definitions are
 * loaded once per run and shared by every test group, and the output depends on nothing else,
 * so this is shared too.
 */
const RECORDED = new WeakMap<RuleDef, WeakMap<Labels, Labels>>();

export class RuleGroup {
  readonly rules: RuleRuntime[];

  constructor(readonly def: GroupDef) {
    this.rules = def.rules.map((r) => ({ def: r, ...(r.kind === 'alert' ? { alerting: new AlertingRuleState(r) } : {}), previous: new Map() }));
  }

  get name(): string {
    return this.def.name;
  }

  /** One evaluation of every rule at tMs. */
  eval(engine: RuleEngine, tMs: number, expander: ExpanderFactory): void {
    const at = tMs - this.def.queryOffsetMs;
    for (const rule of this.rules) {
      let vector: Sample[];
      rule.lastError = undefined;
      try {
        const res = ruleQuery(engine, rule.def.expr, at);
        vector = rule.alerting ? rule.alerting.eval(res, tMs, expander(rule.def, tMs), this.def.limit) : this.record(rule.def, res);
      } catch (e) {
        rule.lastError = (e as Error).message;
        continue;
      }
      const returned = new Map<string, Labels>();
      for (const s of vector) {
        const err = engine.append(s.labels, at, s.value);
        if (err) rule.lastError = err;
        else returned.set(labelsKey(s.labels), s.labels);
      }
      for (const [k, labels] of rule.previous) if (!returned.has(k)) engine.append(labels, at, STALE);
      rule.previous = returned;
    }
  }

  /** A recording rule's output: the rule's name and labels over each sample's labels. */
  private record(def: RuleDef, res: Sample[]): Sample[] {
    const seen = new Set<string>();
    let cache = RECORDED.get(def);
    if (!cache) RECORDED.set(def, (cache = new WeakMap()));
    const out = res.map((s) => {
      // The output label set of an (immutable) input label set is always the same: build it once,
      // so the store's series and the label key are found by object.
      let labels = Object.isFrozen(s.labels) ? cache.get(s.labels) : undefined;
      if (!labels) {
        const l: Labels = { ...s.labels, __name__: def.name };
        for (const [k, v] of Object.entries(def.labels)) {
          if (v === '') delete l[k];
          else l[k] = v;
        }
        labels = l;
        if (Object.isFrozen(s.labels)) cache.set(s.labels, Object.freeze(labels));
      }
      const key = labelsKey(labels);
      if (seen.has(key)) throw new Error('vector contains metrics with the same labelset after applying rule labels');
      seen.add(key);
      return { labels, value: s.value };
    });
    if (this.def.limit > 0 && out.length > this.def.limit) throw new Error(`exceeded limit of ${this.def.limit} with ${out.length} series`);
    return out;
  }
}
