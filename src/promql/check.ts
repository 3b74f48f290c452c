/**
 * The PromQL type checker: Prometheus's parser semantics (promql/parser/parse.go checkAST and the
 * grammar actions of generated_parser.y, v3.14) over the tree of @prometheus-io/lezer-promql. One
 * walk builds the typed tree (ast.ts) and collects every error, so the build, `obsgen test` and lint
 * refuse what Prometheus refuses, with its wording. Results are cached per expression.
 */
import type { SyntaxNode } from '@lezer/common';
import { editDistance } from '../core/nearest.ts';
import { parsePromQL } from '../core/promql.ts';
import { COMPARISON_OPS, SET_OPS, type BinaryOp, type DurationNode, type Expr, type LabelMatcherNode, type Modifiers, type VectorMatching } from './ast.ts';
import { AGGREGATIONS, documentedType, FUNCTIONS, METRICSQL_FUNCTIONS, REMOVED_FUNCTIONS, type ValueType } from './functions.ts';
import { durationSeconds, matchesEmpty, MAX_DURATION_SECONDS, numberValue, regexError, unquoteString } from './literals.ts';

/** Experimental PromQL that Prometheus refuses unless started with the matching --enable-feature. */
export interface PromQLFeatures {
  /** promql-experimental-functions: limitk, limit_ratio, sort_by_label, info, double_exponential_smoothing, ... */
  experimentalFunctions?: boolean;
  /** promql-extended-range-selectors: the `anchored` and `smoothed` modifiers. */
  extendedRangeSelectors?: boolean;
  /** promql-binop-fill-modifiers: `fill()`, `fill_left()`, `fill_right()` on binary operators. */
  binopFillModifiers?: boolean;
}

export interface PromQLProblem {
  /** `syntax`: Prometheus's lexer or grammar refuses the text. `type`: it parses, but the parser's checks refuse it. */
  kind: 'syntax' | 'type';
  from: number;
  to: number;
  message: string;
  hint?: string;
}

export interface TypeCheckResult {
  /** The expression's value type; undefined when it does not parse. */
  type?: ValueType;
  ast?: Expr;
  errors: PromQLProblem[];
}

const FEATURE_HINT = {
  functions: 'experimental in Prometheus 3: it needs --enable-feature=promql-experimental-functions, which the bundle does not set; use a stable function',
  ranges: 'experimental in Prometheus 3: it needs --enable-feature=promql-extended-range-selectors, which the bundle does not set',
  fill: 'experimental in Prometheus 3: it needs --enable-feature=promql-binop-fill-modifiers, which the bundle does not set',
};

const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'and', 'or', 'unless', 'atan2']);

function nearestName(name: string, names: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(name.length / 4)) + 1;
  const bound = bestD;
  for (const n of names) {
    // On a tie, a name that extends the given one wins (rat -> rate, not rad).
    const d = editDistance(name, n, bound) - (n.startsWith(name) ? 0.5 : 0);
    if (d < bestD) [best, bestD] = [n, d];
  }
  return best;
}

/** The message for a call of a function Prometheus does not have. */
export function unknownFunction(name: string): { message: string; hint: string } {
  if (METRICSQL_FUNCTIONS.has(name)) {
    return { message: `unknown function ${name} (a MetricsQL function; Prometheus does not have it)`, hint: 'only VictoriaMetrics (vmalert, vmselect) evaluates MetricsQL; write it in PromQL for Prometheus' };
  }
  const removed = REMOVED_FUNCTIONS.get(name);
  if (removed) return { message: `unknown function ${name}`, hint: removed };
  const near = nearestName(name, [...FUNCTIONS.keys(), ...AGGREGATIONS.keys()]);
  return { message: `unknown function ${name}`, hint: near ? `did you mean ${near}?` : 'see the PromQL function reference for the functions Prometheus has' };
}

/** lezer reads `f(` with an unknown `f` as a selector followed by junk: name that error as Prometheus does. */
function syntaxProblems(expr: string, errors: { from: number; to: number; message: string }[], features: PromQLFeatures): PromQLProblem[] {
  const first = errors[0];
  if (first && expr[first.from] === '(') {
    const m = /(?<![\w:.])([A-Za-z_:][\w:]*)\s*$/.exec(expr.slice(0, first.from));
    if (m && !KEYWORDS.has(m[1]!.toLowerCase())) {
      const name = m[1]!;
      const at = { from: m.index, to: m.index + name.length };
      // Functions of Prometheus 3.14 that lezer-promql reads only inside durations (max_of, min_of).
      if (FUNCTIONS.has(name)) {
        return [
          features.experimentalFunctions || !FUNCTIONS.get(name)!.experimental
            ? { kind: 'syntax', ...at, message: `${name}() outside a duration is not known to the PromQL grammar obsgen parses with (lezer-promql)`, hint: 'use it inside a range or offset duration, or rewrite it' }
            : { kind: 'type', ...at, message: `function ${JSON.stringify(name)} is not enabled`, hint: FEATURE_HINT.functions },
        ];
      }
      const u = unknownFunction(name);
      return [{ kind: 'syntax', ...at, ...u }];
    }
  }
  return errors.map((e) => ({ kind: 'syntax' as const, ...e, hint: 'fix the PromQL syntax' }));
}

const BINARY_OPS: Record<string, BinaryOp> = {
  Pow: '^', Mul: '*', Div: '/', Mod: '%', Atan2: 'atan2', Add: '+', Sub: '-', Eql: '==', Neq: '!=', Gtr: '>', Lss: '<', Gte: '>=', Lte: '<=',
  TrimUpper: '</', TrimLower: '>/', And: 'and', Or: 'or', Unless: 'unless',
};

const isExpr = (n: SyntaxNode): boolean => n.type.is('Expr');

/** Nodes that modify the expression before them: ranges, subqueries, offset, @, anchored, smoothed. */
const POSTFIX = new Set(['MatrixSelector', 'SubqueryExpr', 'OffsetExpr', 'StepInvariantExpr', 'AnchoredExpr', 'SmoothedExpr']);

// getChild() walks with a fresh cursor each call; a sibling loop is cheaper on these small nodes.
function child(n: SyntaxNode | null | undefined, name: string): SyntaxNode | null {
  for (let c = n?.firstChild ?? null; c; c = c.nextSibling) if (c.name === name) return c;
  return null;
}

function children(n: SyntaxNode, name: string): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = n.firstChild; c; c = c.nextSibling) if (c.name === name) out.push(c);
  return out;
}

function exprChildren(n: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = n.firstChild; c; c = c.nextSibling) if (isExpr(c)) out.push(c);
  return out;
}

/** One walk over one expression. */
class Checker {
  readonly errors: PromQLProblem[] = [];
  constructor(
    readonly text: string,
    readonly features: PromQLFeatures,
  ) {}

  private src(n: { from: number; to: number }): string {
    return this.text.slice(n.from, n.to);
  }

  err(kind: PromQLProblem['kind'], at: { from: number; to: number }, message: string, hint?: string): void {
    this.errors.push({ kind, from: at.from, to: at.to, message, ...(hint ? { hint } : {}) });
  }

  private stringValue(n: SyntaxNode): string {
    const r = unquoteString(this.src(n));
    if ('error' in r) {
      this.err('syntax', n, r.error, 'close the string and use only the escapes Go strings know (\\n, \\t, \\\\, \\", \\xNN, \\uNNNN)');
      return '';
    }
    return r.value;
  }

  private labelNames(n: SyntaxNode | null): string[] {
    const out: string[] = [];
    for (let c = n?.firstChild ?? null; c; c = c.nextSibling) {
      if (c.name === 'LabelName') out.push(this.src(c));
      else if (c.name === 'QuotedLabelName') out.push(this.stringValue(c.firstChild ?? c));
    }
    return out;
  }

  /**
   * Prometheus binds `[range]`, `[range:step]`, offset, @, anchored and smoothed tighter than any
   * operator (`a + b offset 5m` is `a + (b offset 5m)`); lezer's grammar wraps the whole binary or
   * unary expression instead. `post` carries those modifiers down to the operand they belong to.
   */
  expr(n: SyntaxNode, post: SyntaxNode[] = []): Expr {
    if (POSTFIX.has(n.name)) return this.expr(exprChildren(n)[0]!, [n, ...post]);
    if (n.name === 'BinaryExpr') return this.binary(n, post);
    if (n.name === 'UnaryExpr') return this.unary(n, post);
    let e = this.primary(n);
    for (const p of post) e = this.postfix(p, e);
    return e;
  }

  private postfix(p: SyntaxNode, inner: Expr): Expr {
    if (p.name === 'MatrixSelector') return this.matrix(p, inner);
    if (p.name === 'SubqueryExpr') return this.subquery(p, inner);
    return this.modifier(p, inner);
  }

  private primary(n: SyntaxNode): Expr {
    const span = { from: n.from, to: n.to };
    switch (n.name) {
      case 'NumberDurationLiteral': {
        const v = numberValue(this.src(n));
        if (typeof v === 'string') this.err('syntax', n, v, 'write the number as Prometheus reads it, e.g. 0.5, 1e3, 0x1F or 5m');
        return { kind: 'number', value: typeof v === 'number' ? v : 0, type: 'scalar', ...span };
      }
      case 'StringLiteral':
        return { kind: 'string', value: this.stringValue(n), type: 'string', ...span };
      case 'ParenExpr': {
        const inner = this.expr(exprChildren(n)[0]!);
        return { kind: 'paren', expr: inner, type: inner.type, ...span };
      }
      case 'VectorSelector':
        return this.selector(n);
      case 'FunctionCall':
        return this.call(n);
      case 'AggregateExpr':
        return this.aggregate(n);
      default:
        this.err('syntax', n, `unexpected ${n.name}`);
        return { kind: 'number', value: 0, type: 'scalar', ...span };
    }
  }

  private unary(n: SyntaxNode, post: SyntaxNode[]): Expr {
    const op = this.src(child(n, 'UnaryOp')!).trim() as '-' | '+';
    const inner = this.expr(exprChildren(n)[0]!, post);
    const to = post.length ? post[post.length - 1]!.to : n.to;
    if (inner.type !== 'scalar' && inner.type !== 'vector') {
      this.err('type', { from: n.from, to }, `unary expression only allowed on expressions of type scalar or instant vector, got ${JSON.stringify(documentedType(inner.type))}`, inner.type === 'matrix' ? 'apply a function such as rate() to the range first, then negate the result' : 'negate a number or a vector, not a string');
    }
    return { kind: 'unary', op, expr: inner, type: inner.type, from: n.from, to };
  }

  private selector(n: SyntaxNode): Expr {
    const ident = child(n, 'Identifier');
    const name = ident ? this.src(ident) : undefined;
    const matchers: LabelMatcherNode[] = [];
    const list = child(n, 'LabelMatchers');
    for (let m = list?.firstChild ?? null; m; m = m.nextSibling) {
      if (m.name === 'QuotedLabelName') {
        matchers.push({ name: '__name__', op: '=', value: this.stringValue(m.firstChild ?? m) });
        continue;
      }
      if (m.name !== 'UnquotedLabelMatcher' && m.name !== 'QuotedLabelMatcher') continue;
      const ln = child(m, 'LabelName');
      const qn = child(m, 'QuotedLabelName');
      const op = child(m, 'MatchOp');
      const value = m.lastChild;
      if (!op || !value || value.name !== 'StringLiteral') continue;
      const matcher: LabelMatcherNode = {
        name: ln ? this.src(ln) : qn ? this.stringValue(qn.firstChild ?? qn) : '',
        op: this.src(op) as LabelMatcherNode['op'],
        value: this.stringValue(value),
      };
      if (matcher.op === '=~' || matcher.op === '!~') {
        const bad = regexError(matcher.value);
        if (bad) this.err('syntax', m, bad, 'fix the regular expression (Go RE2 syntax, anchored at both ends)');
      }
      matchers.push(matcher);
    }
    const node: Expr = { kind: 'selector', ...(name !== undefined ? { name } : {}), matchers, type: 'vector', from: n.from, to: n.to };
    this.checkSelector(node, false);
    return node;
  }

  /** checkAST's VectorSelector case: a name given once, and something that does not match every series. */
  private checkSelector(s: Extract<Expr, { kind: 'selector' }>, bypassEmpty: boolean): void {
    if (s.name !== undefined) {
      const twice = s.matchers.find((m) => m.name === '__name__');
      if (twice) this.err('type', s, `metric name must not be set twice: ${JSON.stringify(s.name)} or ${JSON.stringify(twice.value)}`, 'give the metric name once, before the braces or as __name__ inside them');
      return;
    }
    if (bypassEmpty) return;
    if (!s.matchers.some((m) => !matchesEmpty(m.op, m.value))) {
      this.err('type', s, 'vector selector must contain at least one non-empty matcher', 'name the metric, or add a matcher that does not match the empty string (e.g. job="api" or job=~".+"), so the selector does not read every series');
    }
  }

  private duration(n: SyntaxNode | null, positive: boolean): DurationNode {
    if (!n) return { kind: 'literal', seconds: 0, from: 0, to: 0 };
    const node = this.durationNode(n);
    if (positive && node.kind === 'literal' && !(node.seconds > 0)) {
      this.err('type', node, 'duration must be greater than 0', 'give a positive range, e.g. [5m]');
    }
    return node;
  }

  private durationNode(n: SyntaxNode): DurationNode {
    const span = { from: n.from, to: n.to };
    if (n.name === 'NumberDurationLiteralInDurationContext') {
      const v = numberValue(this.src(n));
      if (typeof v === 'string') {
        this.err('syntax', n, v, 'write a duration such as 5m or 1h30m (units y w d h m s ms, largest first) or a number of seconds');
        return { kind: 'literal', seconds: 0, ...span };
      }
      if (Math.abs(v) > MAX_DURATION_SECONDS) this.err('syntax', n, 'duration out of range', 'use a duration under 292 years');
      return { kind: 'literal', seconds: v, ...span };
    }
    const kids: SyntaxNode[] = [];
    for (let c = n.firstChild; c; c = c.nextSibling) kids.push(c);
    const durs = kids.filter((c) => c.name === 'DurationExpr' || c.name === 'OffsetDurationExpr' || c.name === 'NumberDurationLiteralInDurationContext');
    const head = kids[0];
    if (head?.name === 'DurationStep') return { kind: 'step', ...span };
    if (head?.name === 'DurationRange') return { kind: 'range', ...span };
    if (head?.name === 'DurationMinOf' || head?.name === 'DurationMaxOf') {
      return { kind: 'binary', op: head.name === 'DurationMinOf' ? 'min_of' : 'max_of', lhs: this.durationNode(durs[0]!), rhs: this.durationNode(durs[1]!), ...span };
    }
    if (head?.name === 'UnaryOp') {
      const op = this.src(head).trim() as '-' | '+';
      const inner = this.durationNode(durs[0]!);
      // Prometheus folds a sign into a literal (applyUnaryOpToDurationExpr).
      if (inner.kind === 'literal') return { kind: 'literal', seconds: op === '-' ? -inner.seconds : inner.seconds, ...span };
      return { kind: 'unary', op, expr: inner, ...span };
    }
    if (durs.length === 2) {
      const opNode = kids.find((c) => c.name in BINARY_OPS)!;
      const op = BINARY_OPS[opNode.name] as '+' | '-' | '*' | '/' | '%' | '^';
      const lhs = this.durationNode(durs[0]!);
      const rhs = this.durationNode(durs[1]!);
      if ((op === '/' || op === '%') && rhs.kind === 'literal' && rhs.seconds === 0) this.err('type', opNode, op === '/' ? 'division by zero' : 'modulo by zero', 'divide the duration by a non-zero number');
      return { kind: 'binary', op, lhs, rhs, ...span };
    }
    if (durs.length === 1) {
      const inner = this.durationNode(durs[0]!);
      // `( d )` and the DurationExpr wrapping a single literal.
      return head?.name === '(' || this.src(n).trim().startsWith('(') ? { kind: 'paren', expr: inner, ...span } : inner;
    }
    this.err('syntax', n, `unexpected duration ${JSON.stringify(this.src(n))}`);
    return { kind: 'literal', seconds: 0, ...span };
  }

  private matrix(n: SyntaxNode, inner: Expr): Expr {
    const range = this.duration(child(n, 'DurationExpr'), true);
    const bracket = { from: inner.to, to: n.to };
    if (inner.kind !== 'selector') {
      this.err('type', bracket, 'ranges only allowed for vector selectors', inner.kind === 'call' || inner.kind === 'aggregate' || inner.kind === 'binary' || inner.kind === 'paren' ? `a range [..] reads raw samples of a series selector; for an expression use a subquery: (${this.src(inner)})[${this.src(range)}:]` : 'put the range right after a series selector, e.g. http_requests_total{job="api"}[5m]');
    } else if (inner.offset) this.err('type', bracket, 'no offset modifiers allowed before range', 'write the offset after the range: x[5m] offset 1h');
    else if (inner.at !== undefined) this.err('type', bracket, 'no @ modifiers allowed before range', 'write @ after the range: x[5m] @ end()');
    return { kind: 'matrix', selector: inner, range, type: 'matrix', from: inner.from, to: n.to };
  }

  private subquery(n: SyntaxNode, inner: Expr): Expr {
    const durs = children(n, 'DurationExpr');
    const range = this.duration(durs[0] ?? null, true);
    const step = durs[1] ? this.duration(durs[1], true) : undefined;
    if (inner.type !== 'vector') {
      this.err('type', { from: inner.from, to: n.to }, `subquery is only allowed on instant vector, got ${inner.type} instead`, inner.type === 'matrix' ? 'a subquery runs an instant-vector query at each step; drop the inner range or wrap it in a function such as rate()' : 'a subquery needs an instant-vector expression');
    }
    return { kind: 'subquery', expr: inner, range, ...(step ? { step } : {}), type: 'matrix', from: inner.from, to: n.to };
  }

  /** offset, @, anchored and smoothed attach to the selector or subquery they follow (parse.go addOffset, setTimestamp, ...). */
  private modifier(n: SyntaxNode, inner: Expr): Expr {
    const span = { from: inner.from, to: n.to };
    const target: Modifiers | undefined =
      inner.kind === 'selector' || inner.kind === 'subquery' ? inner : inner.kind === 'matrix' && inner.selector.kind === 'selector' ? inner.selector : undefined;
    const where = 'must be preceded by an instant vector selector or range vector selector or a subquery';
    const hint = 'put it right after a series selector, a range or a subquery: rate(x[5m] offset 1h), not rate(x[5m]) offset 1h';
    if (n.name === 'OffsetExpr') {
      const d = this.duration(child(n, 'OffsetDurationExpr'), false);
      if (!target) this.err('type', span, inner.kind === 'matrix' ? 'ranges only allowed for vector selectors' : `offset modifier ${where}`, hint);
      else if (target.offset && !(target.offset.kind === 'literal' && target.offset.seconds === 0)) this.err('type', span, 'offset may not be set multiple times', 'give one offset');
      else target.offset = d;
    } else if (n.name === 'StepInvariantExpr') {
      const pre = child(n, 'AtModifierPreprocessors');
      let at: number | 'start' | 'end';
      if (pre) at = child(pre, 'AtStart') ? 'start' : 'end';
      else {
        const lit = child(n, 'NumberDurationLiteral');
        const v = lit ? numberValue(this.src(lit)) : 0;
        if (typeof v === 'string') {
          this.err('syntax', lit!, v);
          at = 0;
        } else {
          at = v;
          if (!Number.isFinite(v) || Math.abs(v) >= 2 ** 63 / 1000) this.err('type', span, `timestamp out of bounds for @ modifier: ${v.toFixed(6)}`, 'give a Unix time in seconds');
        }
      }
      if (!target) this.err('type', span, inner.kind === 'matrix' ? 'ranges only allowed for vector selectors' : `@ modifier ${where}`, hint);
      else if (target.at !== undefined) this.err('type', span, '@ <timestamp> may not be set multiple times', 'give one @');
      else target.at = at;
    } else {
      const which = n.name === 'AnchoredExpr' ? 'anchored' : 'smoothed';
      if (!this.features.extendedRangeSelectors) this.err('type', span, `${which} modifier is experimental and not enabled`, FEATURE_HINT.ranges);
      else if (inner.kind === 'subquery') this.err('type', span, `${which} modifier is not supported for subqueries`);
      else if (!target) this.err('type', span, `${which} modifier not implemented`);
      else {
        target[which] = true;
        if (target.anchored && target.smoothed) this.err('type', span, 'anchored and smoothed modifiers cannot be used together');
      }
    }
    return inner.kind === 'matrix' || inner.kind === 'selector' || inner.kind === 'subquery' ? { ...inner, ...span } : inner;
  }

  private call(n: SyntaxNode): Expr {
    const ident = child(n, 'FunctionIdentifier')!;
    const name = this.src(ident);
    const argNodes = exprChildren(child(n, 'FunctionCallBody')!);
    const args = argNodes.map((a) => this.expr(a));
    const fn = FUNCTIONS.get(name);
    if (!fn) {
      // Only when lezer-promql knows a function this table lacks (a newer grammar than Prometheus 3.14).
      const u = unknownFunction(name);
      this.err('syntax', ident, u.message, u.hint);
      return { kind: 'number', value: 0, type: 'vector', from: n.from, to: n.to } as Expr; // typed as a vector: no errors follow from it
    }
    const node: Expr = { kind: 'call', name, fn, args, type: fn.returnType, from: n.from, to: n.to };
    if (fn.experimental && !this.features.experimentalFunctions) this.err('type', ident, `function ${JSON.stringify(name)} is not enabled`, FEATURE_HINT.functions);
    const nargs = fn.argTypes.length;
    const usage = `${name}(${fn.argTypes.map((t, i) => (fn.variadic !== 0 && i === nargs - 1 ? `[${documentedType(t)}${fn.variadic < 0 || fn.variadic > 1 ? ', ...' : ''}]` : documentedType(t))).join(', ')})`;
    if (fn.variadic === 0) {
      if (nargs !== args.length) this.err('type', n, `expected ${nargs} argument(s) in call to ${JSON.stringify(name)}, got ${args.length}`, `call it as ${usage}`);
    } else {
      const min = nargs - 1;
      if (min > args.length) this.err('type', n, `expected at least ${min} argument(s) in call to ${JSON.stringify(name)}, got ${args.length}`, `call it as ${usage}`);
      else if (fn.variadic > 0 && min + fn.variadic < args.length) this.err('type', n, `expected at most ${min + fn.variadic} argument(s) in call to ${JSON.stringify(name)}, got ${args.length}`, `call it as ${usage}`);
    }
    if (name === 'info' && args.length > 1) {
      const second = args[1]!;
      if (second.type !== 'vector') this.err('type', n, `expected type instant vector in call to function "info", got ${documentedType(second.type)}`);
      if (second.kind === 'selector' && second.name !== undefined) this.err('type', second, 'expected label selectors only, got vector selector instead', 'give info() label matchers only: info(x, {k8s_cluster_name=~".+"})');
      else if (second.kind !== 'selector') this.err('type', second, 'expected label selectors only');
      else {
        // info()'s second argument may match the empty string (BypassEmptyMatcherCheck): drop the error raised while reading it.
        const i = this.errors.findIndex((e) => e.from === second.from && e.message.startsWith('vector selector must contain'));
        if (i >= 0) this.errors.splice(i, 1);
      }
    }
    args.forEach((arg, i) => {
      if (i >= nargs && fn.variadic === 0) return;
      const want = fn.argTypes[Math.min(i, nargs - 1)]!;
      if (arg.type !== want) this.err('type', arg, `expected type ${documentedType(want)} in call to function ${JSON.stringify(name)}, got ${documentedType(arg.type)}`, argHint(want, arg, this.src(arg)));
    });
    return node;
  }

  private aggregate(n: SyntaxNode): Expr {
    const opNode = child(n, 'AggregateOp')!;
    const op = this.src(opNode).toLowerCase();
    const def = AGGREGATIONS.get(op)!;
    const mod = child(n, 'AggregateModifier');
    const without = !!child(mod, 'Without');
    const grouping = mod ? this.labelNames(child(mod, 'GroupingLabels')) : [];
    const args = exprChildren(child(n, 'FunctionCallBody')!).map((a) => this.expr(a));
    const node = { kind: 'aggregate' as const, op, def, grouping, without, by: !!mod && !without, type: 'vector' as const, from: n.from, to: n.to };
    if (args.length === 0) {
      this.err('type', n, 'no arguments for aggregate expression provided', `give ${op}() the expression to aggregate`);
      return node;
    }
    if (def.experimental && !this.features.experimentalFunctions) {
      this.err('type', opNode, `${op}() is experimental and must be enabled with --enable-feature=promql-experimental-functions`, FEATURE_HINT.functions);
    }
    const want = def.param ? 2 : 1;
    if (args.length !== want) {
      this.err('type', n, `wrong number of arguments for aggregate expression provided, expected ${want}, got ${args.length}`, def.param ? `call it as ${op}(<${documentedType(def.param)}>, <instant vector>)` : `call it as ${op}(<instant vector>), with by/without for the labels to keep`);
      return node;
    }
    const expr = args[want - 1]!;
    const param = def.param ? args[0] : undefined;
    if (expr.type !== 'vector') this.err('type', expr, `expected type instant vector in aggregation expression, got ${documentedType(expr.type)}`, argHint('vector', expr, this.src(expr)));
    if (param && def.param && param.type !== def.param) this.err('type', param, `expected type ${documentedType(def.param)} in aggregation parameter, got ${documentedType(param.type)}`, def.param === 'string' ? `give the output label name as a string: ${op}("value", ...)` : `give a number or a scalar expression: ${op}(5, ...)`);
    return { ...node, expr, ...(param ? { param } : {}) };
  }

  private binary(n: SyntaxNode, post: SyntaxNode[]): Expr {
    const [lhsNode, rhsNode] = exprChildren(n);
    const lhs = this.expr(lhsNode!);
    const rhs = this.expr(rhsNode!, post);
    const to = post.length ? post[post.length - 1]!.to : n.to;
    let opNode: SyntaxNode | undefined;
    for (let c = lhsNode!.nextSibling; c && c !== rhsNode; c = c.nextSibling) if (c.name in BINARY_OPS) opNode = c;
    const op = BINARY_OPS[opNode!.name]!;
    const opSpan = { from: opNode!.from, to: (child(n, 'FillModifier') ?? child(n, 'MatchingModifierClause') ?? child(n, 'BoolModifier') ?? opNode!).to };
    const bool = !!child(n, 'BoolModifier');
    const clause = child(n, 'MatchingModifierClause');
    const fillNode = child(n, 'FillModifier');
    let matching: VectorMatching = { card: 'one-to-one', on: false, labels: [], include: [] };
    if (clause) {
      const groups = children(clause, 'GroupingLabels');
      const left = !!child(clause, 'GroupLeft');
      const right = !!child(clause, 'GroupRight');
      matching = {
        card: left ? 'many-to-one' : right ? 'one-to-many' : 'one-to-one',
        on: !!child(clause, 'On'),
        labels: this.labelNames(groups[0] ?? null),
        include: this.labelNames(groups[1] ?? null),
      };
    }
    if (fillNode) {
      const fill: { lhs?: number; rhs?: number } = {};
      for (let c = fillNode.firstChild; c; c = c.nextSibling) {
        const lit = child(c, 'NumberDurationLiteral');
        const v = lit ? numberValue(this.src(lit)) : 0;
        const value = typeof v === 'number' ? v : 0;
        if (c.name === 'FillClause') [fill.lhs, fill.rhs] = [value, value];
        else if (c.name === 'FillLeftClause') fill.lhs = value;
        else if (c.name === 'FillRightClause') fill.rhs = value;
      }
      matching.fill = fill;
      if (!this.features.binopFillModifiers) this.err('type', n, 'binop fill modifiers are experimental and not enabled', FEATURE_HINT.fill);
    }
    const lt = lhs.type;
    const rt = rhs.type;
    if (bool && !COMPARISON_OPS.has(op)) this.err('type', opSpan, 'bool modifier can only be used on comparison operators', 'drop bool: it turns a comparison into 0/1');
    if (COMPARISON_OPS.has(op) && !bool && lt === 'scalar' && rt === 'scalar') {
      this.err('type', opSpan, 'comparisons between scalars must use BOOL modifier', `write ${op} bool to compare two scalars (the result is 0 or 1)`);
    }
    if (SET_OPS.has(op) && matching.card === 'one-to-one') matching.card = 'many-to-many';
    if (matching.on) {
      for (const l of matching.labels) {
        if (matching.include.includes(l)) this.err('type', opSpan, `label ${JSON.stringify(l)} must not occur in ON and GROUP clause at once`, `on() already keeps ${l}; list only extra labels in group_left()/group_right()`);
      }
    }
    const operandHint = (t: ValueType) => (t === 'matrix' ? 'apply a function such as rate() or avg_over_time() to the range first' : 'an operator takes numbers or instant vectors, not strings');
    if (lt !== 'scalar' && lt !== 'vector') this.err('type', lhs, 'binary expression must contain only scalar and instant vector types', operandHint(lt));
    if (rt !== 'scalar' && rt !== 'vector') this.err('type', rhs, 'binary expression must contain only scalar and instant vector types', operandHint(rt));
    const bothVectors = lt === 'vector' && rt === 'vector';
    if (!bothVectors) {
      if (matching.labels.length > 0) this.err('type', opSpan, 'vector matching only allowed between instant vectors', 'on()/ignoring() and group_left()/group_right() match the labels of two vectors; drop them when one side is a scalar');
      if (matching.fill) this.err('type', opSpan, 'filling in missing series only allowed between instant vectors');
    } else if (SET_OPS.has(op)) {
      if (matching.card === 'one-to-many' || matching.card === 'many-to-one') this.err('type', opSpan, `no grouping allowed for ${JSON.stringify(op)} operation`, `${op} keeps or drops series as they are; remove group_left()/group_right()`);
      if (matching.fill) this.err('type', opSpan, 'filling in missing series not allowed for set operators');
    }
    if ((lt === 'scalar' || rt === 'scalar') && SET_OPS.has(op)) {
      this.err('type', opSpan, `set operator ${JSON.stringify(op)} not allowed in binary scalar expression`, `${op} works between two instant vectors; compare with a threshold instead (x > 0)`);
    }
    const type: ValueType = lt === 'scalar' && rt === 'scalar' ? 'scalar' : 'vector';
    return { kind: 'binary', op, lhs, rhs, bool, ...(bothVectors ? { matching } : {}), type, from: n.from, to };
  }
}

function argHint(want: ValueType, got: Expr, text: string): string {
  if (want === 'matrix' && got.kind === 'selector') return `give a range: ${text}[5m]`;
  if (want === 'matrix') return `give a range vector: a selector with a range (x[5m]) or a subquery (${text})[5m:]`;
  if (want === 'vector' && got.type === 'matrix') return 'a range vector holds raw samples; turn it into an instant vector with a function such as rate(), increase() or avg_over_time() first';
  if (want === 'vector' && got.type === 'scalar') return 'wrap the number in vector(...)';
  if (want === 'scalar' && got.type === 'vector') return `give a number, or turn a single-series vector into a scalar with scalar(${text})`;
  if (want === 'string') return 'give a string literal in quotes';
  return `give ${documentedType(want)}`;
}

const CACHE_LIMIT = 50_000;
const cache = new Map<string, TypeCheckResult>();

function featureKey(f: PromQLFeatures): string {
  return `${f.experimentalFunctions ? 1 : 0}${f.extendedRangeSelectors ? 1 : 0}${f.binopFillModifiers ? 1 : 0}`;
}

/**
 * Type-checks one expression as Prometheus's parser does: its value type, the typed tree and
 * every error (syntax first; type errors only when it parses). Cached per expression and features.
 */
export function typeCheck(expr: string, features: PromQLFeatures = {}): TypeCheckResult {
  const key = `${featureKey(features)}${expr}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const parsed = parsePromQL(expr);
  let result: TypeCheckResult;
  if (parsed.errors.length) result = { errors: syntaxProblems(expr, parsed.errors, features) };
  else {
    const c = new Checker(expr, features);
    // Comments are nodes of lezer's tree too; an expression may open with one (kube-prometheus's do).
    let top = parsed.tree.topNode.firstChild;
    while (top && top.name === 'LineComment') top = top.nextSibling;
    const ast = top ? c.expr(top) : undefined;
    result = ast ? { type: ast.type, ast, errors: c.errors } : { errors: [{ kind: 'syntax', from: 0, to: 0, message: 'no expression found in input' }] };
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, result);
  return result;
}

/**
 * A rule's expression: what typeCheck finds, plus the value type a rule may have. Prometheus loads
 * a rule whose expression is a range vector or a string, then fails every evaluation with "rule
 * result is not a vector or scalar" (rules/manager.go EngineQueryFunc).
 */
export function checkRuleExpr(expr: string, features: PromQLFeatures = {}): TypeCheckResult {
  const r = typeCheck(expr, features);
  if (!r.type || r.type === 'vector' || r.type === 'scalar') return r;
  const problem: PromQLProblem = {
    kind: 'type',
    from: 0,
    to: expr.length,
    message: `a rule's expression must be an instant vector or a scalar, got ${documentedType(r.type)}: Prometheus fails every evaluation with "rule result is not a vector or scalar"`,
    hint: r.type === 'matrix' ? 'apply a function to the range, e.g. rate(x[5m]) or max_over_time(x[5m])' : 'a rule evaluates to series; a string literal is not one',
  };
  return { ...r, errors: [...r.errors, problem] };
}
