/**
 * Which expressions are the empty vector, without evaluating them, when none of their selectors
 * selects a series in the store. A rule test loads every rule of its rule files and evaluates
 * each at every step (as promtool does), though most rules read metrics the test never loads:
 * for those, this answers in a name lookup instead of a walk of the tree.
 *
 * Exact by construction: only expressions built from nodes that give an empty vector on empty
 * input and cannot fail without data qualify (selectors, subqueries with a literal step,
 * per-series functions with literal parameters, aggregations without a parameter, binary
 * operators whose scalar side is constant). absent(), vector(), time()-only expressions,
 * label_replace with a bad regex, topk and anything else keep being evaluated.
 */
import type { Expr } from '../ast.ts';
import { re2Regexp } from '../../core/re2.ts';
import { isValidLabelName } from './calls.ts';
import { DATE_FUNCTIONS, MATH_FUNCTIONS, RANGE_FUNCTIONS } from './functions.ts';
import { selectionKey, type Matcher, type SeriesStore } from './storage.ts';

/** A selector of a vanishing expression: its matchers, selection key and metric name (if `__name__=`). */
export interface VanishSelector {
  matchers: Matcher[];
  key: string;
  name?: string;
}

/** Range functions whose parameters (literal) cannot make them fail. */
const SAFE_RANGE = new Set(Object.keys(RANGE_FUNCTIONS).filter((n) => n !== 'double_exponential_smoothing'));
/** Per-series functions of an instant vector whose other arguments are literal scalars. */
const SAFE_INSTANT = new Set([...Object.keys(MATH_FUNCTIONS), 'clamp', 'clamp_min', 'clamp_max', 'round', 'sort', 'sort_desc', 'timestamp', 'histogram_quantile', 'histogram_fraction']);
const SAFE_AGGREGATIONS = new Set(['sum', 'avg', 'min', 'max', 'count', 'group', 'stddev', 'stdvar']);

/** A scalar that evaluates without reading the store and without failing. */
function constantScalar(e: Expr): boolean {
  switch (e.kind) {
    case 'number':
      return true;
    case 'paren':
    case 'unary':
      return constantScalar(e.expr);
    case 'binary':
      return e.type === 'scalar' && constantScalar(e.lhs) && constantScalar(e.rhs);
    case 'call':
      return (e.name === 'time' || e.name === 'pi') && e.args.length === 0;
    default:
      return false;
  }
}

/** Collects the selectors of `e` into `out`; false when some node could yield data or fail on empty input. */
function collect(e: Expr, out: Expr[]): boolean {
  switch (e.kind) {
    case 'selector':
      if (e.anchored || e.smoothed) return false;
      out.push(e);
      return true;
    case 'matrix':
      return collect(e.selector, out);
    case 'subquery':
      if (e.step && !(e.step.kind === 'literal' && e.step.seconds > 0)) return false;
      return collect(e.expr, out);
    case 'paren':
    case 'unary':
      return e.type !== 'scalar' && collect(e.expr, out);
    case 'aggregate':
      return SAFE_AGGREGATIONS.has(e.op) && e.param === undefined && e.expr !== undefined && collect(e.expr, out);
    case 'binary': {
      if (e.type !== 'vector') return false;
      const l = e.lhs.type === 'vector' ? collect(e.lhs, out) : constantScalar(e.lhs);
      const r = e.rhs.type === 'vector' ? collect(e.rhs, out) : constantScalar(e.rhs);
      return l && r;
    }
    case 'call': {
      const [first, ...rest] = e.args;
      if (SAFE_RANGE.has(e.name)) {
        return e.args.every((a) => (a.type === 'matrix' ? collect(a, out) : constantScalar(a)));
      }
      if (DATE_FUNCTIONS[e.name]) return e.args.length === 1 && collect(first!, out);
      if (SAFE_INSTANT.has(e.name)) {
        return e.args.length > 0 && e.args.every((a) => (a.type === 'vector' ? collect(a, out) : constantScalar(a)));
      }
      if (e.name === 'label_replace') {
        // Fails on a bad regex or destination even without input: only literal, valid arguments qualify.
        const [dst, , , regex] = rest;
        return (
          rest.length === 4 &&
          rest.every((a) => a.kind === 'string') &&
          isValidLabelName((dst as { value: string }).value) &&
          typeof re2Regexp((regex as { value: string }).value) !== 'string' &&
          collect(first!, out)
        );
      }
      return false;
    }
    default:
      return false;
  }
}

const CACHE = new WeakMap<Expr, VanishSelector[] | null>();

/**
 * The selectors whose being empty makes `e` the empty vector, or undefined when `e` does not
 * qualify (see the file comment). Computed once per parsed expression.
 */
export function vanishingSelectors(e: Expr): VanishSelector[] | undefined {
  let hit = CACHE.get(e);
  if (hit === undefined) {
    const sels: Expr[] = [];
    hit = null;
    if (e.type === 'vector' && collect(e, sels)) {
      const out: VanishSelector[] = [];
      let ok = true;
      for (const s of sels as Extract<Expr, { kind: 'selector' }>[]) {
        const matchers: Matcher[] = s.matchers.map((m) => ({ name: m.name, op: m.op, value: m.value }));
        if (s.name !== undefined) matchers.unshift({ name: '__name__', op: '=', value: s.name });
        // A regex the engine refuses must still fail the query.
        if (matchers.some((m) => (m.op === '=~' || m.op === '!~') && typeof re2Regexp(m.value) === 'string')) ok = false;
        const name = matchers.find((m) => m.name === '__name__' && m.op === '=')?.value;
        out.push({ matchers, key: selectionKey(matchers), ...(name !== undefined ? { name } : {}) });
      }
      if (ok) hit = out;
    }
    CACHE.set(e, hit);
  }
  return hit ?? undefined;
}

/** True when `e` is certainly the empty vector over `store` at any time: it qualifies and none of its selectors selects a series. */
export function certainlyEmpty(store: SeriesStore, e: Expr): boolean {
  const sels = vanishingSelectors(e);
  if (!sels) return false;
  for (const s of sels) {
    if (s.name !== undefined && !store.hasName(s.name)) continue;
    if (store.select(s.matchers, undefined, undefined, s.key).length > 0) return false;
  }
  return true;
}
