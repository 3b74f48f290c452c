/**
 * Aggregation operators at one step, as engine.go's aggregation / aggregationK /
 * aggregationCountValues compute them: groups in order of first appearance, Kahan sums, the
 * incremental mean on overflow, Welford variance, and topk/bottomk/limitk through a port of Go's
 * container/heap so ties pick the same series as Prometheus.
 */
import { keepLabels, deleteLabels, formatFloatF, memo, namesOf, withLabels, type Labels, EMPTY_LABELS } from './labels.ts';
import { kahanInc, quantile } from './quantile.ts';
import { EvalError, type Sample } from './values.ts';
import { ratioSampleOffset } from './hash.ts';

export interface AggregateSpec {
  op: string;
  grouping: string[];
  without: boolean;
}

/** The memo spec of a grouping (built once per aggregation, not per sample). */
function specOf(grouping: readonly string[], without: boolean): { key: string; labels: string } {
  const spec = `${without ? 'w' : 'b'}${grouping.join('\xff')}`;
  // The memo specs of the group key and the group labels, prefixed once here instead of per sample.
  return { key: `\x01${spec}`, labels: `\x02${spec}` };
}

function groupKey(l: Labels, grouping: readonly string[], without: boolean, spec: { key: string }): string {
  return memo(l, spec.key, () => computeGroupKey(l, grouping, without));
}

function computeGroupKey(l: Labels, grouping: readonly string[], without: boolean): string {
  let k = '';
  if (without) {
    for (const n of namesOf(l)) if (n !== '__name__' && !grouping.includes(n)) k += `${n}\xff${l[n]}\xfe`;
  } else for (const n of grouping) if (l[n] !== undefined) k += `${n}\xff${l[n]}\xfe`;
  return k;
}

function groupLabels(l: Labels, grouping: readonly string[], without: boolean, spec: { labels: string }): Labels {
  return memo(l, spec.labels, () => computeGroupLabels(l, grouping, without));
}

function computeGroupLabels(l: Labels, grouping: readonly string[], without: boolean): Labels {
  if (without) return deleteLabels(l, [...grouping, '__name__']);
  if (grouping.length > 0) return keepLabels(l, grouping);
  return EMPTY_LABELS;
}

interface Group {
  labels: Labels;
  value: number;
  mean: number;
  kahanC: number;
  count: number;
  incrementalMean: boolean;
  values: number[];
}

/** sum, avg, min, max, count, group, stddev, stdvar, quantile. */
export function aggregate(spec: AggregateSpec, vec: Sample[], q: number): Sample[] {
  const { op } = spec;
  const grouping = [...spec.grouping].sort();
  const gs = specOf(grouping, spec.without);
  const groups = new Map<string, Group>();
  for (const s of vec) {
    const f = s.v;
    const key = groupKey(s.labels, grouping, spec.without, gs);
    const g = groups.get(key);
    if (!g) {
      const ng: Group = { labels: groupLabels(s.labels, grouping, spec.without, gs), value: f, mean: f, kahanC: 0, count: 1, incrementalMean: false, values: [] };
      if (op === 'stddev' || op === 'stdvar') ng.value = Number.isFinite(f) ? 0 : NaN;
      else if (op === 'quantile') ng.values.push(f);
      else if (op === 'group') ng.value = 1;
      groups.set(key, ng);
      continue;
    }
    switch (op) {
      case 'sum':
        [g.value, g.kahanC] = kahanInc(f, g.value, g.kahanC);
        break;
      case 'avg': {
        g.count++;
        if (!g.incrementalMean) {
          const [nv, nc] = kahanInc(f, g.value, g.kahanC);
          if (Number.isNaN(nv) || Number.isFinite(nv)) {
            [g.value, g.kahanC] = [nv, nc];
            break;
          }
          g.incrementalMean = true;
          g.mean = g.value / (g.count - 1);
          g.kahanC /= g.count - 1;
        }
        const qq = (g.count - 1) / g.count;
        [g.mean, g.kahanC] = kahanInc(f / g.count, qq * g.mean, qq * g.kahanC);
        break;
      }
      case 'max':
        if (g.value < f || Number.isNaN(g.value)) g.value = f;
        break;
      case 'min':
        if (g.value > f || Number.isNaN(g.value)) g.value = f;
        break;
      case 'count':
        g.count++;
        break;
      case 'stddev':
      case 'stdvar': {
        g.count++;
        const delta = f - g.mean;
        g.mean += delta / g.count;
        g.value += delta * (f - g.mean);
        break;
      }
      case 'quantile':
        g.values.push(f);
        break;
      case 'group':
        break;
      default:
        throw new EvalError(`expected aggregation operator but got ${JSON.stringify(op)}`);
    }
  }
  const out: Sample[] = [];
  for (const g of groups.values()) {
    let v = g.value;
    switch (op) {
      case 'avg':
        v = g.incrementalMean ? g.mean + g.kahanC : g.value / g.count + g.kahanC / g.count;
        break;
      case 'sum':
        v = g.value + g.kahanC;
        break;
      case 'count':
        v = g.count;
        break;
      case 'stdvar':
        v = g.value / g.count;
        break;
      case 'stddev':
        v = Math.sqrt(g.value / g.count);
        break;
      case 'quantile':
        v = quantile(q, g.values);
        break;
    }
    out.push({ labels: g.labels, v });
  }
  return out;
}

// --- Go's container/heap over samples, with vectorByValueHeap / vectorByReverseValueHeap's Less.

type Less = (a: Sample, b: Sample) => boolean;
const minLess: Less = (a, b) => Number.isNaN(a.v) || a.v < b.v;
const maxLess: Less = (a, b) => Number.isNaN(a.v) || a.v > b.v;

function heapUp(h: Sample[], j: number, less: Less): void {
  for (;;) {
    const i = Math.trunc((j - 1) / 2);
    if (i === j || !less(h[j]!, h[i]!)) break;
    [h[i], h[j]] = [h[j]!, h[i]!];
    j = i;
  }
}

function heapDown(h: Sample[], i0: number, n: number, less: Less): boolean {
  let i = i0;
  for (;;) {
    const j1 = 2 * i + 1;
    if (j1 >= n || j1 < 0) break;
    let j = j1;
    const j2 = j1 + 1;
    if (j2 < n && less(h[j2]!, h[j1]!)) j = j2;
    if (!less(h[j]!, h[i]!)) break;
    [h[i], h[j]] = [h[j]!, h[i]!];
    i = j;
  }
  return i > i0;
}

function heapPush(h: Sample[], s: Sample, less: Less): void {
  h.push(s);
  heapUp(h, h.length - 1, less);
}

function heapFix(h: Sample[], i: number, less: Less): void {
  if (!heapDown(h, i, h.length, less)) heapUp(h, i, less);
}

/** sort.Sort(sort.Reverse(h)): Go's pdqsort runs insertion sort below 13 elements, which this mirrors. */
function sortReverse(h: Sample[], less: Less): void {
  for (let i = 1; i < h.length; i++) {
    for (let j = i; j > 0 && less(h[j - 1]!, h[j]!); j--) [h[j], h[j - 1]] = [h[j - 1]!, h[j]!];
  }
}

const MAX_INT64 = 9223372036854775807;

/** topk, bottomk, limitk, limit_ratio: series keep their labels; groups in order of first appearance. */
export function aggregateK(spec: AggregateSpec, vec: Sample[], param: number): Sample[] {
  const { op } = spec;
  const grouping = [...spec.grouping].sort();
  const gs = specOf(grouping, spec.without);
  if (op === 'limit_ratio') {
    if (param === 0) return [];
    if (Number.isNaN(param)) throw new EvalError('Ratio value is NaN');
  } else {
    if (param < 1) return [];
    if (Number.isNaN(param)) throw new EvalError('Parameter value is NaN');
    if (param >= MAX_INT64) throw new EvalError(`Scalar value ${param} overflows int64`);
  }
  const k = Math.min(Math.trunc(param), vec.length);
  const r = Math.max(-1, Math.min(1, param));
  const groups = new Map<string, Sample[]>();
  for (const s of vec) {
    const key = groupKey(s.labels, grouping, spec.without, gs);
    let heap = groups.get(key);
    if (!heap) {
      heap = [];
      groups.set(key, heap);
      if (op === 'limit_ratio') {
        if (addRatioSample(r, s)) heap.push(s);
      } else heap.push(s);
      continue;
    }
    switch (op) {
      case 'topk':
        if (heap.length < k) heapPush(heap, s, minLess);
        else if (heap[0]!.v < s.v || (Number.isNaN(heap[0]!.v) && !Number.isNaN(s.v))) {
          heap[0] = s;
          if (k > 1) heapFix(heap, 0, minLess);
        }
        break;
      case 'bottomk':
        if (heap.length < k) heapPush(heap, s, maxLess);
        else if (heap[0]!.v > s.v || (Number.isNaN(heap[0]!.v) && !Number.isNaN(s.v))) {
          heap[0] = s;
          if (k > 1) heapFix(heap, 0, maxLess);
        }
        break;
      case 'limitk':
        if (heap.length < k) heapPush(heap, s, minLess);
        break;
      case 'limit_ratio':
        if (addRatioSample(r, s)) heapPush(heap, s, minLess);
        break;
    }
  }
  const out: Sample[] = [];
  for (const heap of groups.values()) {
    if (op === 'topk') sortReverse(heap, minLess);
    else if (op === 'bottomk') sortReverse(heap, maxLess);
    for (const s of heap) out.push(s);
  }
  return out;
}

/** HashRatioSampler.AddRatioSample: keeps a series by where its label hash falls. */
function addRatioSample(ratio: number, s: Sample): boolean {
  const offset = ratioSampleOffset(s.labels);
  return (ratio >= 0 && offset < ratio) || (ratio < 0 && offset >= 1.0 + ratio);
}

/** count_values: one series per distinct value (formatted as Go's %f shortest). */
export function countValues(spec: AggregateSpec, vec: Sample[], valueLabel: string): Sample[] {
  const grouping = spec.without ? [...spec.grouping].sort() : [...spec.grouping, valueLabel].sort();
  const gs = specOf(grouping, spec.without);
  const groups = new Map<string, Sample>();
  for (const s of vec) {
    const metric = withLabels(s.labels, { [valueLabel]: formatFloatF(s.v) });
    const key = groupKey(metric, grouping, spec.without, gs);
    const g = groups.get(key);
    if (g) g.v++;
    else groups.set(key, { labels: groupLabels(metric, grouping, spec.without, gs), v: 1 });
  }
  return [...groups.values()];
}


