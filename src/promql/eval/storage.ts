/**
 * The in-memory series store the evaluator reads: per series, time-sorted sample arrays (and
 * which samples are staleness markers), indexed by label value (postings), so a selector reads
 * only the series its most selective `=` matcher allows and a lookup at a time is a binary search.
 */
import { matcherMatches } from '../../core/re2.ts';
import { compareLabels, labelsKey, makeLabels, type Labels } from './labels.ts';

/** A staleness marker: the series ended here (Prometheus's StaleNaN). */
export const STALE: { readonly stale: true } = Object.freeze({ stale: true as const });

export interface StoredSeries {
  readonly labels: Labels;
  /** Sample times in ms, ascending. */
  readonly ts: number[];
  readonly vs: number[];
  /** stale[i]: sample i is a staleness marker (vs[i] is NaN then). Undefined while there is none. */
  stale?: boolean[];
  /** hist[i]: sample i was a native histogram, which the engine does not evaluate (reading it fails). */
  hist?: boolean[];
}

export interface Matcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

/** Index of the first element of `ts` greater than `t` (upper bound). */
export function upperBound(ts: readonly number[], t: number): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The key SeriesStore.select caches a selection under. */
export function selectionKey(matchers: readonly Matcher[]): string {
  return matchers.map((m) => `${m.name}\xff${m.op}\xff${m.value}`).join('\xfe');
}

export class SeriesStore {
  private readonly byKey = new Map<string, StoredSeries>();
  private readonly all: StoredSeries[] = [];
  /** label name -> value -> series: the first `=` matcher picks the candidates. */
  private readonly postings = new Map<string, Map<string, StoredSeries[]>>();
  /** The series of a labels object the caller appended with before (promqltest and rule outputs reuse them). */
  private readonly byObject = new WeakMap<object, StoredSeries>();
  /** Changes whenever a series is added, so cached selections know to recompute. */
  private version = 0;
  private readonly selections = new Map<string, { version: number; series: StoredSeries[] }>();

  /** Appends one sample; out-of-order samples are inserted in place, a sample at an existing time replaces it. */
  append(labels: Record<string, string>, tMs: number, value: number | { stale: true }): void {
    let s = this.byObject.get(labels);
    if (!s) {
      s = this.series(labels);
      if (Object.isFrozen(labels)) this.byObject.set(labels, s);
    }
    this.appendTo(s, tMs, value);
  }

  /** append() to a series already looked up with series(): no label set to read again. */
  appendTo(s: StoredSeries, tMs: number, value: number | { stale: true }): void {
    const stale = typeof value !== 'number';
    const v = stale ? NaN : value;
    const n = s.ts.length;
    if (n === 0 || s.ts[n - 1]! < tMs) {
      s.ts.push(tMs);
      s.vs.push(v);
      if (stale || s.stale) (s.stale ??= new Array<boolean>(n).fill(false)).push(stale);
      s.hist?.push(false);
      return;
    }
    let i = upperBound(s.ts, tMs);
    if (i > 0 && s.ts[i - 1] === tMs) {
      i--;
      s.vs[i] = v;
      if (stale || s.stale) (s.stale ??= new Array<boolean>(n).fill(false))[i] = stale;
      if (s.hist) s.hist[i] = false;
      return;
    }
    s.ts.splice(i, 0, tMs);
    s.vs.splice(i, 0, v);
    if (stale || s.stale) (s.stale ??= new Array<boolean>(n).fill(false)).splice(i, 0, stale);
    s.hist?.splice(i, 0, false);
  }

  /**
   * Records a native histogram sample (promqltest `{{...}}`) as a placeholder: the engine stores
   * only floats, so a query that reads it fails with an UnsupportedError instead of a wrong answer.
   */
  appendHistogram(labels: Record<string, string>, tMs: number): void {
    const s = this.series(labels);
    this.append(labels, tMs, NaN);
    const i = upperBound(s.ts, tMs) - 1;
    (s.hist ??= new Array<boolean>(s.ts.length).fill(false))[i] = true;
  }

  /** The series with exactly these labels, created empty when new. */
  series(labels: Record<string, string>): StoredSeries {
    // A frozen label set without empty values is already what makeLabels would build: keep it,
    // so its memoised key (labels.ts) serves this store and the next.
    const l = Object.isFrozen(labels) && !Object.values(labels).includes('') ? (labels as Labels) : makeLabels(labels);
    const key = labelsKey(l);
    let s = this.byKey.get(key);
    if (!s) {
      s = { labels: l, ts: [], vs: [] };
      this.byKey.set(key, s);
      this.all.push(s);
      for (const [k, v] of Object.entries(l)) {
        let byValue = this.postings.get(k);
        if (!byValue) this.postings.set(k, (byValue = new Map()));
        let ps = byValue.get(v);
        if (!ps) byValue.set(v, (ps = []));
        ps.push(s);
      }
      this.version++;
    }
    return s;
  }

  /** Removes every series (promqltest `clear`). */
  clear(): void {
    this.byKey.clear();
    this.all.length = 0;
    this.postings.clear();
    this.selections.clear();
    this.version++;
  }

  /** Whether some series has this metric name (one map lookup: see vanish.ts). */
  hasName(name: string): boolean {
    return (this.postings.get('__name__')?.get(name)?.length ?? 0) > 0;
  }

  get size(): number {
    return this.all.length;
  }

  /**
   * The series every matcher matches, sorted by labels as Prometheus's storage returns them.
   * With mint/maxt (ms, inclusive), only series with a sample in that window.
   */
  select(matchers: readonly Matcher[], mint?: number, maxt?: number, key = selectionKey(matchers)): StoredSeries[] {
    let hit = this.selections.get(key);
    if (!hit || hit.version !== this.version) {
      hit = { version: this.version, series: this.match(matchers) };
      this.selections.set(key, hit);
    }
    if (mint === undefined && maxt === undefined) return hit.series;
    const lo = mint ?? -Infinity;
    const hi = maxt ?? Infinity;
    return hit.series.filter((s) => {
      const i = upperBound(s.ts, lo - 1);
      return i < s.ts.length && s.ts[i]! <= hi;
    });
  }

  private match(matchers: readonly Matcher[]): StoredSeries[] {
    // The smallest postings list of an `=` matcher with a non-empty value bounds the candidates.
    let candidates: StoredSeries[] = this.all;
    for (const m of matchers) {
      if (m.op !== '=' || m.value === '') continue;
      const list = this.postings.get(m.name)?.get(m.value) ?? [];
      if (list.length < candidates.length) candidates = list;
    }
    const out = candidates.filter((s) => matchers.every((m) => matcherMatches(m, s.labels[m.name] ?? '') === true));
    return out.sort((a, b) => compareLabels(a.labels, b.labels));
  }
}
