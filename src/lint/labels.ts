/**
 * Static label flow through PromQL: which labels a query's result can carry, worked out
 * from selectors (catalog labels, matchers, target labels), aggregations (by/without),
 * binary operators (on/ignoring, group_left/right, set operators) and functions
 * (label_replace, label_join, absent, histogram_quantile, vector, ...).
 */
import type { SyntaxNode } from '@lezer/common';

/** Labels a result can carry. `open`: it may carry others too (unknown metric, labelmap, ...). */
export interface LabelSet {
  labels: Set<string>;
  open: boolean;
  /** The expression is a scalar (number literal, scalar(), time()). */
  scalar?: boolean;
}

export const EXPR_NODES = new Set([
  'AggregateExpr',
  'BinaryExpr',
  'FunctionCall',
  'MatrixSelector',
  'NumberDurationLiteral',
  'NumberLiteral',
  'OffsetExpr',
  'ParenExpr',
  'StringLiteral',
  'SubqueryExpr',
  'UnaryExpr',
  'VectorSelector',
  'StepInvariantExpr',
]);

const COMPARISONS = new Set(['Eql', 'Neq', 'Gtr', 'Gte', 'Lss', 'Lte']);
const SET_OPS = new Set(['And', 'Or', 'Unless']);
const ARITH = new Set(['Add', 'Sub', 'Mul', 'Div', 'Mod', 'Pow', 'Atan2']);
export const BINARY_OPS = new Set([...COMPARISONS, ...SET_OPS, ...ARITH]);
export { COMPARISONS, SET_OPS };

/** Functions whose result is a scalar. */
const SCALAR_FUNCTIONS = new Set(['scalar', 'time', 'pi']);
/** Functions whose result has no labels. */
const LABELLESS_FUNCTIONS = new Set(['vector']);

export function kids(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
}

export function exprKids(node: SyntaxNode): SyntaxNode[] {
  return kids(node).filter((c) => EXPR_NODES.has(c.name));
}

/** Strips parentheses (and the PromQL root node). */
export function unwrap(node: SyntaxNode): SyntaxNode {
  let n = node;
  while (n.name === 'ParenExpr' || n.name === 'PromQL') {
    const inner = exprKids(n)[0];
    if (!inner) break;
    n = inner;
  }
  return n;
}

export function text(expr: string, node: SyntaxNode): string {
  return expr.slice(node.from, node.to);
}

function unquote(s: string): string {
  if (s.startsWith('`')) return s.slice(1, -1);
  if (s.startsWith("'")) return s.slice(1, -1).replace(/\\'/g, "'");
  try {
    return JSON.parse(s) as string;
  } catch {
    return s.slice(1, -1);
  }
}

export function stringValue(expr: string, node: SyntaxNode | undefined): string | undefined {
  if (!node) return undefined;
  const n = unwrap(node);
  return n.name === 'StringLiteral' ? unquote(text(expr, n)) : undefined;
}

export function numberValue(expr: string, node: SyntaxNode | undefined): number | undefined {
  if (!node) return undefined;
  const n = unwrap(node);
  if (n.name === 'NumberDurationLiteral' || n.name === 'NumberLiteral') {
    const v = Number(text(expr, n));
    return Number.isNaN(v) ? undefined : v;
  }
  if (n.name === 'UnaryExpr') {
    const inner = exprKids(n)[0];
    const v = numberValue(expr, inner);
    if (v === undefined) return undefined;
    return text(expr, n).trim().startsWith('-') ? -v : v;
  }
  return undefined;
}

export function groupingLabels(expr: string, node: SyntaxNode | null | undefined): string[] {
  if (!node) return [];
  return kids(node)
    .filter((c) => c.name === 'LabelName' || c.name === 'QuotedLabelName')
    .map((c) => {
      const t = text(expr, c);
      return t.startsWith('"') ? unquote(t) : t;
    });
}

export function functionName(expr: string, call: SyntaxNode): string {
  const id = call.getChild('FunctionIdentifier');
  return id ? text(expr, id) : '';
}

export function callArgs(call: SyntaxNode): SyntaxNode[] {
  const body = call.getChild('FunctionCallBody');
  return body ? exprKids(body) : [];
}

export interface AggregateInfo {
  op: string;
  modifier?: 'by' | 'without';
  labels: string[];
  args: SyntaxNode[];
}

export function aggregateInfo(expr: string, node: SyntaxNode): AggregateInfo {
  const opNode = node.getChild('AggregateOp');
  const mod = node.getChild('AggregateModifier');
  const info: AggregateInfo = { op: opNode ? text(expr, opNode).toLowerCase() : '', labels: [], args: callArgs(node) };
  if (mod) {
    info.modifier = mod.getChild('Without') ? 'without' : 'by';
    info.labels = groupingLabels(expr, mod.getChild('GroupingLabels'));
  }
  return info;
}

export interface BinaryInfo {
  op: string;
  lhs: SyntaxNode;
  rhs: SyntaxNode;
  bool: boolean;
  on?: string[];
  ignoring?: string[];
  groupLeft?: string[];
  groupRight?: string[];
}

export function binaryInfo(expr: string, node: SyntaxNode): BinaryInfo | undefined {
  const cs = kids(node);
  const exprs = cs.filter((c) => EXPR_NODES.has(c.name));
  const op = cs.find((c) => BINARY_OPS.has(c.name));
  if (exprs.length < 2 || !op) return undefined;
  const info: BinaryInfo = { op: op.name, lhs: exprs[0]!, rhs: exprs[exprs.length - 1]!, bool: !!node.getChild('BoolModifier') };
  const clause = node.getChild('MatchingModifierClause');
  if (clause) {
    const groups = kids(clause).filter((c) => c.name === 'GroupingLabels');
    const first = groupingLabels(expr, groups[0]);
    if (clause.getChild('On')) info.on = first;
    else if (clause.getChild('Ignoring')) info.ignoring = first;
    if (clause.getChild('GroupLeft')) info.groupLeft = groupingLabels(expr, groups[1]);
    if (clause.getChild('GroupRight')) info.groupRight = groupingLabels(expr, groups[1]);
  }
  return info;
}

export interface SelectorInfo {
  metric?: string;
  matchers: { name: string; op: string; value: string }[];
  node: SyntaxNode;
}

export function selectorInfo(expr: string, node: SyntaxNode): SelectorInfo {
  const ident = node.getChild('Identifier');
  const matchers: SelectorInfo['matchers'] = [];
  const list = node.getChild('LabelMatchers');
  if (list) {
    for (const m of kids(list)) {
      if (!m.name.endsWith('LabelMatcher')) continue;
      const name = m.getChild('LabelName') ?? m.getChild('QuotedLabelName');
      const op = m.getChild('MatchOp');
      const value = m.getChild('StringLiteral');
      if (!op || !value) {
        // A bare quoted metric name inside braces: {"metric.name"}.
        const q = m.getChild('QuotedLabelName') ?? m.getChild('StringLiteral');
        if (q && !op) matchers.push({ name: '__name__', op: '=', value: unquote(text(expr, q)) });
        continue;
      }
      const nameText = name ? text(expr, name) : '';
      matchers.push({ name: nameText.startsWith('"') ? unquote(nameText) : nameText, op: text(expr, op), value: unquote(text(expr, value)) });
    }
  }
  let metric = ident ? text(expr, ident) : undefined;
  metric ??= matchers.find((m) => m.name === '__name__' && m.op === '=')?.value;
  return { ...(metric ? { metric } : {}), matchers, node };
}

function union(a: LabelSet, b: LabelSet): LabelSet {
  return { labels: new Set([...a.labels, ...b.labels]), open: a.open || b.open };
}

function keepOnly(s: LabelSet, keep: string[]): LabelSet {
  return { labels: new Set(keep.filter((l) => s.open || s.labels.has(l))), open: false };
}

function without(s: LabelSet, drop: string[]): LabelSet {
  const labels = new Set(s.labels);
  for (const l of drop) labels.delete(l);
  return { labels, open: s.open };
}

function plus(s: LabelSet, add: string[]): LabelSet {
  return { labels: new Set([...s.labels, ...add]), open: s.open };
}

const EMPTY: LabelSet = { labels: new Set(), open: false };
const SCALAR: LabelSet = { labels: new Set(), open: false, scalar: true };

/**
 * The labels the result of `node` can carry. `selectorLabels` gives them for a selector
 * (the caller knows the catalog, jobs and recording rules).
 */
export function resultLabels(expr: string, node: SyntaxNode, selectorLabels: (s: SelectorInfo) => LabelSet): LabelSet {
  const rec = (n: SyntaxNode): LabelSet => {
    switch (n.name) {
      case 'PromQL':
      case 'ParenExpr':
      case 'OffsetExpr':
      case 'StepInvariantExpr':
      case 'SubqueryExpr':
      case 'UnaryExpr':
      case 'MatrixSelector': {
        const inner = exprKids(n)[0];
        return inner ? rec(inner) : { labels: new Set(), open: true };
      }
      case 'NumberDurationLiteral':
      case 'NumberLiteral':
        return SCALAR;
      case 'StringLiteral':
        return SCALAR;
      case 'VectorSelector':
        return selectorLabels(selectorInfo(expr, n));
      case 'AggregateExpr': {
        const a = aggregateInfo(expr, n);
        const vec = a.args.length ? rec(a.args[a.args.length - 1]!) : EMPTY;
        if (['topk', 'bottomk', 'limitk', 'limit_ratio'].includes(a.op)) return { labels: new Set(vec.labels), open: vec.open };
        let out: LabelSet;
        if (a.modifier === 'by') out = keepOnly(vec, a.labels);
        else if (a.modifier === 'without') out = without(vec, [...a.labels, '__name__']);
        else out = { labels: new Set(), open: false };
        if (a.op === 'count_values') {
          const label = stringValue(expr, a.args[0]);
          if (label) out = plus(out, [label]);
        }
        return out;
      }
      case 'BinaryExpr': {
        const b = binaryInfo(expr, n);
        if (!b) return { labels: new Set(), open: true };
        const l = rec(b.lhs);
        const r = rec(b.rhs);
        if (l.scalar && r.scalar) return SCALAR;
        if (l.scalar) return r;
        if (r.scalar) return l;
        if (b.op === 'Or') return union(l, r);
        if (b.op === 'And' || b.op === 'Unless') return l;
        if (b.groupLeft) return plus(l, b.groupLeft.filter((x) => r.open || r.labels.has(x)));
        if (b.groupRight) return plus(r, b.groupRight.filter((x) => l.open || l.labels.has(x)));
        if (b.on) return keepOnly(l, b.on);
        if (b.ignoring) return without(l, b.ignoring);
        return l;
      }
      case 'FunctionCall': {
        const fn = functionName(expr, n);
        const args = callArgs(n);
        if (SCALAR_FUNCTIONS.has(fn)) return SCALAR;
        if (LABELLESS_FUNCTIONS.has(fn)) return EMPTY;
        if (fn === 'absent' || fn === 'absent_over_time') {
          const sel = args[0] ? findSelector(unwrap(args[0])) : undefined;
          if (!sel) return EMPTY;
          const info = selectorInfo(expr, sel);
          return { labels: new Set(info.matchers.filter((m) => m.op === '=' && m.name !== '__name__').map((m) => m.name)), open: false };
        }
        if (fn === 'label_replace' || fn === 'label_join') {
          const base = args[0] ? rec(args[0]) : EMPTY;
          const dst = stringValue(expr, args[1]);
          return dst ? plus(base, [dst]) : { ...base, open: true };
        }
        if (fn === 'info') return { labels: new Set(args[0] ? rec(args[0]).labels : []), open: true };
        if (fn === 'histogram_quantile' || fn === 'histogram_fraction') {
          const v = args[args.length - 1];
          return v ? without(rec(v), ['le']) : EMPTY;
        }
        // Everything else keeps the labels of its (first) vector argument.
        for (const a of args) {
          const s = rec(a);
          if (!s.scalar) return s;
        }
        return args.length ? SCALAR : EMPTY;
      }
      default:
        return { labels: new Set(), open: true };
    }
  };
  return rec(node);
}

function findSelector(n: SyntaxNode): SyntaxNode | undefined {
  if (n.name === 'VectorSelector') return n;
  if (n.name === 'MatrixSelector') return n.getChild('VectorSelector') ?? undefined;
  return undefined;
}
