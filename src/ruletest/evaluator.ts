/**
 * What rule evaluation needs from a PromQL engine: a series store to append to and an instant
 * query. The rule manager, the alert state machine and the test runner take this interface, so
 * they are tested with a stand-in and run with the engine of src/promql/eval (engineadapter.ts).
 */
import type { Labels } from './format.ts';

export interface Sample {
  labels: Labels;
  value: number;
}

export type QueryResult =
  | { type: 'vector'; samples: Sample[] }
  | { type: 'scalar'; value: number }
  | { type: 'matrix' }
  | { type: 'string'; value: string };

export const STALE = 'stale' as const;

export interface RuleEngine {
  /**
   * Appends one sample (or a staleness marker). Returns undefined, or TSDB's refusal: 'out of
   * order sample' (the series has a later sample), 'duplicate sample for timestamp' (another value
   * at tMs; the same value again is accepted).
   */
  append(labels: Labels, tMs: number, value: number | typeof STALE): string | undefined;
  /** Evaluates an instant query at tMs; throws with the engine's message on a parse or evaluation error. */
  query(expr: string, tMs: number): QueryResult;
}

/** An input series: its labels and its points (tMs ascending), from promtool's expanding notation. */
export interface ExpandedSeries {
  labels: Labels;
  points: { t: number; v: number | typeof STALE }[];
}

export interface EngineFactory {
  /** A fresh engine over an empty store; `subqueryStepMs` is promtool's SubqueryInterval (the evaluation interval). */
  create(opts: { subqueryStepMs: number }): RuleEngine;
  /** Expands `series` + `values` (`1+1x10 _ stale`) loaded every `intervalMs` from `startMs`. Throws with the parse error. */
  expand(series: string, values: string, startMs: number, intervalMs: number): ExpandedSeries;
}

/** Rules' query function (rules.EngineQueryFunc): a scalar becomes one sample without labels. */
export function ruleQuery(engine: RuleEngine, expr: string, tMs: number): Sample[] {
  const r = engine.query(expr, tMs);
  if (r.type === 'vector') return r.samples;
  if (r.type === 'scalar') return [{ labels: {}, value: r.value }];
  throw new Error('rule result is not a vector or scalar');
}
