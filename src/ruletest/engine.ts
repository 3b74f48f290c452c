/**
 * The rule evaluator on obsgen's PromQL engine (src/promql/eval): a SeriesStore that refuses
 * what Prometheus's TSDB refuses (an out-of-order sample, another value at the same time), the
 * instant query with promtool's settings (5m lookback; subqueries without a step use the
 * evaluation interval), and promtool's expanding notation for input series.
 */
import type { Expr } from '../promql/ast.ts';
import { instantQuery, parseExpr } from '../promql/eval/engine.ts';
import { expandSeriesValues, parseSeriesLabels } from '../promql/eval/notation.ts';
import { makeLabels } from '../promql/eval/labels.ts';
import { certainlyEmpty } from '../promql/eval/vanish.ts';
import { SeriesStore, STALE as STORE_STALE, type StoredSeries } from '../promql/eval/storage.ts';
import { STALE, type EngineFactory, type ExpandedSeries, type QueryResult, type RuleEngine } from './evaluator.ts';
import type { Labels } from './format.ts';

/** Parsed expressions by text: every rule's expression is evaluated at every step of every test. */
const PARSED = new Map<string, Expr>();
function parsed(expr: string): Expr {
  let e = PARSED.get(expr);
  if (!e) {
    // Stable functions only, as promtool runs without --enable-feature.
    e = parseExpr(expr, {});
    if (PARSED.size >= 10_000) PARSED.clear();
    PARSED.set(expr, e);
  }
  return e;
}

class StoreEngine implements RuleEngine {
  private readonly store = new SeriesStore();

  constructor(private readonly subqueryStepMs: number) {}

  /** Series by label-set object: an input series appends every point with the same object. */
  private readonly handles = new WeakMap<Labels, StoredSeries>();

  append(labels: Labels, tMs: number, value: number | typeof STALE): string | undefined {
    let s = this.handles.get(labels);
    if (!s) this.handles.set(labels, (s = this.store.series(labels)));
    const n = s.ts.length;
    if (n > 0) {
      const last = s.ts[n - 1]!;
      if (last > tMs) return 'out of order sample';
      if (last === tMs) {
        const lastStale = s.stale?.[n - 1] ?? false;
        const same = value === STALE ? lastStale : !lastStale && (s.vs[n - 1] === value || (Number.isNaN(value) && Number.isNaN(s.vs[n - 1])));
        return same ? undefined : 'duplicate sample for timestamp';
      }
    }
    this.store.appendTo(s, tMs, value === STALE ? STORE_STALE : value);
    return undefined;
  }

  query(expr: string, tMs: number): QueryResult {
    const e = parsed(expr);
    // Most rules of a test's rule files read metrics the test never loads: answer those without a walk.
    if (certainlyEmpty(this.store, e)) return { type: 'vector', samples: [] };
    const r = instantQuery(this.store, e, tMs, { noStepSubqueryIntervalMs: this.subqueryStepMs, features: {}, shareLabels: true });
    if (r.type === 'vector') return { type: 'vector', samples: r.samples };
    if (r.type === 'scalar') return { type: 'scalar', value: r.value };
    if (r.type === 'string') return { type: 'string', value: r.value };
    return { type: 'matrix' };
  }
}

/**
 * Input series labels by their text, frozen: the test groups of a file load the same series, so
 * they share one label set, and with it its key, its series lookups and every label set derived
 * from it (labels.ts memo), instead of recomputing them per group.
 */
const INPUT_LABELS = new Map<string, Labels>();
function inputLabels(series: string): Labels {
  let l = INPUT_LABELS.get(series);
  if (!l) {
    const { labels, rest } = parseSeriesLabels(series);
    if (rest.trim() !== '') throw new Error(`error in input series ${series}: unexpected ${JSON.stringify(rest.trim())}`);
    l = makeLabels(labels);
    if (INPUT_LABELS.size >= 100_000) INPUT_LABELS.clear();
    INPUT_LABELS.set(series, l);
  }
  return l;
}

export const engineFactory: EngineFactory = {
  create: ({ subqueryStepMs }) => new StoreEngine(subqueryStepMs),
  expand(series: string, values: string, startMs: number, intervalMs: number): ExpandedSeries {
    const labels = inputLabels(series);
    const points: ExpandedSeries['points'] = [];
    expandSeriesValues(values).forEach((v, i) => {
      if (v === null) return;
      points.push({ t: startMs + i * intervalMs, v: 'stale' in v ? STALE : v.value });
    });
    return { labels, points };
  },
};
