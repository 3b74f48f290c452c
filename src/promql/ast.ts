/**
 * The typed PromQL tree the checker builds from lezer's syntax tree, shaped like Prometheus's
 * own AST (promql/parser/ast.go): offset and @ are fields of the selector or subquery they
 * modify, durations are read into seconds, every node carries its value type and its span in
 * the expression. The evaluator walks this tree, not lezer's.
 */
import type { AggregationDef, FunctionDef, ValueType } from './functions.ts';

interface Span {
  from: number;
  to: number;
}

/** A duration inside `[...]` or after `offset`: a literal in seconds, or an expression (`5m + step()`). */
export type DurationNode =
  | ({ kind: 'literal'; seconds: number } & Span)
  | ({ kind: 'step' | 'range' } & Span)
  | ({ kind: 'unary'; op: '-' | '+'; expr: DurationNode } & Span)
  | ({ kind: 'binary'; op: '+' | '-' | '*' | '/' | '%' | '^' | 'min_of' | 'max_of'; lhs: DurationNode; rhs: DurationNode } & Span)
  | ({ kind: 'paren'; expr: DurationNode } & Span);

export interface LabelMatcherNode {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

/** `offset`, `@`, `anchored`, `smoothed`: what Prometheus stores on a selector or subquery. */
export interface Modifiers {
  offset?: DurationNode;
  /** `@ <seconds>`, or `@ start()` / `@ end()`. */
  at?: number | 'start' | 'end';
  anchored?: boolean;
  smoothed?: boolean;
}

export type BinaryOp =
  | '^' | '*' | '/' | '%' | 'atan2' | '+' | '-' | '==' | '!=' | '>' | '<' | '>=' | '<=' | '</' | '>/' | 'and' | 'or' | 'unless';

export interface VectorMatching {
  card: 'one-to-one' | 'many-to-one' | 'one-to-many' | 'many-to-many';
  /** Labels of `on(...)` (on: true) or `ignoring(...)` (on: false). */
  on: boolean;
  labels: string[];
  /** Labels of group_left(...) / group_right(...). */
  include: string[];
  fill?: { lhs?: number; rhs?: number };
}

export type Expr = (
  | { kind: 'number'; value: number }
  | { kind: 'string'; value: string }
  | ({ kind: 'selector'; name?: string; matchers: LabelMatcherNode[] } & Modifiers)
  | { kind: 'matrix'; selector: Expr; range: DurationNode }
  | ({ kind: 'subquery'; expr: Expr; range: DurationNode; step?: DurationNode } & Modifiers)
  | { kind: 'call'; name: string; fn: FunctionDef; args: Expr[] }
  | { kind: 'aggregate'; op: string; def: AggregationDef; param?: Expr; expr?: Expr; grouping: string[]; without: boolean; by: boolean }
  | { kind: 'binary'; op: BinaryOp; lhs: Expr; rhs: Expr; bool: boolean; matching?: VectorMatching }
  | { kind: 'unary'; op: '-' | '+'; expr: Expr }
  | { kind: 'paren'; expr: Expr }
) &
  Span & { type: ValueType };

export const COMPARISON_OPS: ReadonlySet<BinaryOp> = new Set(['==', '!=', '>', '<', '>=', '<=']);
export const SET_OPS: ReadonlySet<BinaryOp> = new Set(['and', 'or', 'unless']);
