/**
 * PromQL parsing with @prometheus-io/lezer-promql, the grammar Prometheus's own UI uses.
 * Gives syntax errors with positions and the parts checks need: selectors, functions,
 * range windows and aggregation labels.
 */
import { parser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode, Tree } from '@lezer/common';

export interface PromQLError {
  from: number;
  to: number;
  message: string;
}

export interface Selector {
  /** Metric name, or undefined for `{__name__=~"..."}`-style selectors without a literal name. */
  metric?: string;
  matchers: { name: string; op: string; value: string }[];
  /** Range of a matrix selector in its source text, e.g. `5m`. */
  range?: string;
  /** The function the selector is the direct argument of, e.g. `rate`. */
  fn?: string;
  from: number;
  to: number;
}

export interface ParsedPromQL {
  expr: string;
  tree: Tree;
  errors: PromQLError[];
}

// Checks, test generation, dashboards and lint all read the same expressions: parse each once.
const PARSE_CACHE_LIMIT = 50_000;
const parseCache = new Map<string, ParsedPromQL>();

// Generated queries repeat per service, differing only inside string literals
// (`job="svc-0001"` vs `job="svc-0002"`). The tree's node positions do not depend on what a
// literal holds, and every reader slices the expression's own text, so one error-free tree
// serves every expression of the same shape.
const shapeCache = new Map<string, Tree>();
const STRING_LITERAL = /"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`[^`]*`/g;

/** The expression with each string literal's contents blanked, or undefined where a comment could hide quotes. */
export function promqlShape(expr: string): string | undefined {
  if (expr.includes('#')) return undefined;
  return expr.replace(STRING_LITERAL, (lit) => lit[0] + '_'.repeat(lit.length - 2) + lit[0]);
}

export function parsePromQL(expr: string): ParsedPromQL {
  const cached = parseCache.get(expr);
  if (cached) return cached;
  const shape = promqlShape(expr);
  const tree = shape === undefined ? undefined : shapeCache.get(shape);
  const parsed: ParsedPromQL = tree ? { expr, tree, errors: [] } : parseUncached(expr);
  if (parseCache.size >= PARSE_CACHE_LIMIT) {
    parseCache.clear();
    shapeCache.clear();
  }
  parseCache.set(expr, parsed);
  if (shape !== undefined && !tree && parsed.errors.length === 0) shapeCache.set(shape, parsed.tree);
  return parsed;
}

function parseUncached(expr: string): ParsedPromQL {
  const tree = parser.parse(expr);
  const errors: PromQLError[] = [];
  if (expr.trim() === '') errors.push({ from: 0, to: 0, message: 'empty expression' });
  tree.iterate({
    enter: (node) => {
      if (node.type.isError) {
        const near = expr.slice(node.from, Math.max(node.to, node.from + 12)).trim();
        errors.push({
          from: node.from,
          to: node.to,
          message: node.from >= expr.length ? 'unexpected end of expression' : `unexpected input near ${JSON.stringify(near)}`,
        });
        return false;
      }
      return undefined;
    },
  });
  return { expr, tree, errors };
}

function unquote(text: string): string {
  if (text.startsWith('`')) return text.slice(1, -1);
  if (text.startsWith("'")) return text.slice(1, -1).replace(/\\'/g, "'").replace(/\\\\/g, '\\');
  try {
    return JSON.parse(text) as string;
  } catch {
    return text.slice(1, -1);
  }
}

function enclosingFunction(node: SyntaxNode, expr: string): string | undefined {
  // MatrixSelector -> FunctionCallBody -> FunctionCall
  const body = node.parent;
  if (body?.name !== 'FunctionCallBody') return undefined;
  const call = body.parent;
  if (call?.name !== 'FunctionCall') return undefined;
  const ident = call.getChild('FunctionIdentifier');
  return ident ? expr.slice(ident.from, ident.to) : undefined;
}

/** Every vector selector in the expression, with its range and enclosing function when it has one. */
export function selectors(parsed: ParsedPromQL): Selector[] {
  const { expr, tree } = parsed;
  const out: Selector[] = [];
  tree.iterate({
    enter: (ref) => {
      if (ref.name !== 'VectorSelector') return undefined;
      const node = ref.node;
      const ident = node.getChild('Identifier');
      const matchers: Selector['matchers'] = [];
      const list = node.getChild('LabelMatchers');
      if (list) {
        for (let m = list.firstChild; m; m = m.nextSibling) {
          if (!m.name.endsWith('LabelMatcher')) continue;
          const name = m.getChild('LabelName') ?? m.getChild('QuotedLabelName');
          const op = m.getChild('MatchOp');
          const value = m.getChild('StringLiteral');
          if (!op || !value) continue;
          const nameText = name ? expr.slice(name.from, name.to) : '';
          matchers.push({
            name: nameText.startsWith('"') ? unquote(nameText) : nameText,
            op: expr.slice(op.from, op.to),
            value: unquote(expr.slice(value.from, value.to)),
          });
        }
      }
      let metric = ident ? expr.slice(ident.from, ident.to) : undefined;
      if (!metric) {
        const byName = matchers.find((m) => m.name === '__name__' && m.op === '=');
        metric = byName?.value;
      }
      const sel: Selector = { metric, matchers, from: node.from, to: node.to };
      const parent = node.parent;
      if (parent?.name === 'MatrixSelector') {
        const dur = parent.getChild('DurationExpr') ?? parent.getChild('NumberDurationLiteralInDurationContext');
        if (dur) sel.range = expr.slice(dur.from, dur.to);
        const fn = enclosingFunction(parent, expr);
        if (fn) sel.fn = fn;
      } else {
        const fn = enclosingFunction(node, expr);
        if (fn) sel.fn = fn;
      }
      out.push(sel);
      return false;
    },
  });
  return out;
}

/** Names of every function called in the expression. */
export function functionCalls(parsed: ParsedPromQL): { name: string; from: number; to: number }[] {
  const out: { name: string; from: number; to: number }[] = [];
  parsed.tree.iterate({
    enter: (ref) => {
      if (ref.name === 'FunctionIdentifier') out.push({ name: parsed.expr.slice(ref.from, ref.to), from: ref.from, to: ref.to });
    },
  });
  return out;
}

/** Metric names the expression reads (deduplicated, sorted). */
export function metricNames(expr: string): string[] {
  const names = new Set<string>();
  for (const s of selectors(parsePromQL(expr))) if (s.metric) names.add(s.metric);
  return [...names].sort();
}
