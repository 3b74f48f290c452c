/**
 * PromQL as Prometheus 3 reads it: the type checker, its function table, and the one way the
 * build's checks turn its findings into diagnostics (ids `promql/syntax` and `promql/type`, the
 * same ids lint reports).
 */
import type { Diagnostics } from '../core/diagnostics.ts';
import { checkRuleExpr, typeCheck, type PromQLFeatures, type PromQLProblem, type TypeCheckResult } from './check.ts';

export { checkRuleExpr, typeCheck, unknownFunction, type PromQLFeatures, type PromQLProblem, type TypeCheckResult } from './check.ts';
export { AGGREGATIONS, documentedType, FUNCTIONS, METRICSQL_FUNCTIONS, REMOVED_FUNCTIONS, type AggregationDef, type FunctionDef, type ValueType } from './functions.ts';
export type { Expr, DurationNode, LabelMatcherNode, VectorMatching } from './ast.ts';

/** The lint and build id of a problem. */
export function problemId(p: PromQLProblem): 'promql/syntax' | 'promql/type' {
  return p.kind === 'syntax' ? 'promql/syntax' : 'promql/type';
}

/** `rate(x)` with the problem's span marked: `rate(>>x<<)`, for messages about long expressions. */
export function markSpan(expr: string, p: PromQLProblem): string {
  if (p.to <= p.from || (p.from === 0 && p.to >= expr.length)) return expr;
  return `${expr.slice(0, p.from)}>>${expr.slice(p.from, p.to)}<<${expr.slice(p.to)}`;
}

export interface ReportOptions {
  /** A rule's expression: it must also evaluate to an instant vector or a scalar. */
  rule?: boolean;
  features?: PromQLFeatures;
  /** Said after the position, e.g. "after substituting Grafana variables". */
  note?: string;
  /** Report type errors too (false when a substitution may have made them up). */
  types?: boolean;
}

/**
 * Type-checks `expr` and reports every problem at `path` as an error: what (`alert X`), the message
 * with its position, the expression as the value and the fix as the hint. Returns the result.
 */
export function reportPromQL(diag: Diagnostics, path: string, what: string, expr: string, options: ReportOptions = {}): TypeCheckResult {
  const r = options.rule ? checkRuleExpr(expr, options.features) : typeCheck(expr, options.features);
  for (const p of r.errors) {
    if (p.kind === 'type' && options.types === false) continue;
    diag.error(path, problemId(p), `${what}: ${p.message} at position ${p.from}${options.note ? ` (${options.note})` : ''}`, {
      value: markSpan(expr, p),
      ...(p.hint ? { hint: p.hint } : {}),
    });
  }
  return r;
}
