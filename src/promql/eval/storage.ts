/**
 * The in-memory series store the evaluator reads: per series, time-sorted sample arrays (and
 * which samples are staleness markers), indexed by metric name, so a selector with a name reads
 * only that name's series and a lookup at a time is a binary search.
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

export class SeriesStore {
  private readonly byKey = new Map<string, StoredSeries>();
  private readonly byName = new Map<string, StoredSeries[]>();
  private readonly all: StoredSeries[] = [];
  /** Changes whenever a series is added, so cached selections know to recompute. */
  private version = 0;
  private readonly selections = new Map<string, { version: number; series: StoredSeries[] }>();

  /** Appends one sample; out-of-order samples are inserted in place, a sample at an existing time replaces it. */
  append(labels: Record<string, string>, tMs: number, value: number | { stale: true }): void {
    const s = this.series(labels);
    const stale = typeof value !== 'number';
    const v = stale ? NaN : value;
    const n = s.ts.length;
    if (n === 0 || s.ts[n - 1]! < tMs) {
      s.ts.push(tMs);
      s.vs.push(v);
      if (stale || s.stale) (s.stale ??= new Array<boolean>(n).fill(false)).push(stale);
      return;
    }
    let i = upperBound(s.ts, tMs);
    if (i > 0 && s.ts[i - 1] === tMs) {
      i--;
      s.vs[i] = v;
      if (stale || s.stale) (s.stale ??= new Array<boolean>(n).fill(false))[i] = stale;
      return;
    }
    s.ts.splice(i, 0, tMs);
    s.vs.splice(i, 0, v);
    if (stale || s.stale) (s.stale ??= new Array<boolean>(n).fill(false)).splice(i, 0, stale);
  }

  /** The series with exactly these labels, created empty when new. */
  series(labels: Record<string, string>): StoredSeries {
    const l = makeLabels(labels);
    const key = labelsKey(l);
    let s = this.byKey.get(key);
    if (!s) {
      s = { labels: l, ts: [], vs: [] };
      this.byKey.set(key, s);
      this.all.push(s);
      const name = l.__name__ ?? '';
      let list = this.byName.get(name);
      if (!list) this.byName.set(name, (list = []));
      list.push(s);
      this.version++;
    }
    return s;
  }

  /** Removes every series (promqltest `clear`). */
  clear(): void {
    this.byKey.clear();
    this.byName.clear();
    this.all.length = 0;
    this.selections.clear();
    this.version++;
  }

  get size(): number {
    return this.all.length;
  }

  /**
   * The series every matcher matches, sorted by labels as Prometheus's storage returns them.
   * With mint/maxt (ms, inclusive), only series with a sample in that window.
   */
  select(matchers: readonly Matcher[], mint?: number, maxt?: number): StoredSeries[] {
    const key = matchers.map((m) => `${m.name}\xff${m.op}\xff${m.value}`).join('\xfe');
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
    const byName = matchers.find((m) => m.name === '__name__' && m.op === '=');
    const candidates = byName ? (this.byName.get(byName.value) ?? []) : this.all;
    const out = candidates.filter((s) => matchers.every((m) => matcherMatches(m, s.labels[m.name] ?? '') === true));
    return out.sort((a, b) => compareLabels(a.labels, b.labels));
  }
}
