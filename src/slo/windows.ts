/**
 * How every SLO window is derived from the recorded 5m increases, cheaply and with an
 * exact recent edge. Each SLO reads its raw counters over 5m, over a page's short window (30m)
 * and over 6h (below), recording only the increases, and three levels are recorded:
 *   - `slo:sli_*:increase5m` every evaluation (from the raw counters);
 *   - `slo:sli_*:level1h`, the increase over 1h, re-recorded every 5m from the 5m series;
 *   - `slo:sli_*:level1d`, the increase over 1d, re-recorded every 1h from the 1h level.
 * A window W is a recent "tail" window plus a "body" from the level below it:
 *   W < 6h:        increase5m + avg_over_time(increase5m[W-5m] offset 2m30s) * (W-5m)/5m
 *   W = 6h:        the raw read (the same shape is the 6h increase of raw-ratio SLIs)
 *   6h < W <= 1d:  increase6h + avg_over_time(level1h[W-6h] offset 5h27m30s) * (W-6h)/1h
 *   1d < W < 7d:   increase1d + avg_over_time(level1h[W-1d] offset 23h27m30s) * (W-1d)/1h
 *   W >= 7d:       increase1d + avg_over_time(level1d[W-1d] offset 11h27m30s) * (W-1d)/1d
 * The 1d window reads 18 samples of the 1h level on top of the 6h window it already has,
 * instead of a day of 5m increases (5,760 samples per series at a 15s evaluation interval);
 * its recent 6h are the raw 6h read, so a burst in the last hours is counted exactly.
 * Each level sample covers a tile that ends `lag` before it was recorded and is `tile` long,
 * so the body's offset is tail - tile/2 - lag: the body's soft edges are centred on the
 * window's edges and the overlap with the tail cancels. `avg_over_time * n` counts tiles,
 * so the result does not depend on how often a level was recorded (backfill at 1m, live
 * at 15s). The long windows read a few hundred recorded samples, not days of raw counters.
 * While the history is shorter than the window the body is missing and the tail stands in
 * (`or`), so a young SLO reports the ratio over what it has, as rate() would.
 *
 * The 6h window is read from the raw counters (`READ_WINDOW`), as rate() reads it. It is the
 * short window of the 3d/6h ticket, whose 1x burn fires at the objective itself: a service that
 * runs at its objective sits on that threshold, and a window summed from 5m tiles, whose edges
 * weigh the minutes around the window's start and end a little differently from rate(), decides
 * differently from rate() there for a minute in every few hours (0.4% rms difference of the 6h
 * ratio on the project's benchmark). Read raw, the tickets decide as rate() does; 6h is also the
 * tail of the 1d and 3d windows, whose far edges the levels cover.
 */
import { Decimal, formatNumber } from '../core/decimal.ts';
import { durationMs, formatDuration } from '../core/duration.ts';

const M = 60_000;
const H = 60 * M;
const D = 24 * H;

export interface Tier {
  tail: number;
  /** Recorded series the body reads ('increase5m', 'level1h', 'level1d'). */
  level: 'increase5m' | 'level1h' | 'level1d';
  tile: number;
  lag: number;
}

const TIER_A: Tier = { tail: 5 * M, level: 'increase5m', tile: 5 * M, lag: 0 };
const TIER_A1: Tier = { tail: 6 * H, level: 'level1h', tile: H, lag: 5 * M / 2 };
const TIER_B: Tier = { tail: D, level: 'level1h', tile: H, lag: 5 * M / 2 };
const TIER_C: Tier = { tail: D, level: 'level1d', tile: D, lag: H / 2 + 5 * M / 2 };

/** The window besides 5m that every SLO reads from its raw counters. */
export const READ_WINDOW = 6 * H;

/**
 * A window read from the raw counters when a page pair uses it as its short window (30m in the
 * Workbook's pairs): a short window summed from 5m tiles keeps the tile that holds a recovery's
 * start until the tile's centre leaves the window, so the page cleared up to 2m30s after rate()
 * over the window had dropped (and after Sloth's page). Read raw, it clears when rate() does.
 */
export const RAW_SHORT_MAX = 1 * H;

/**
 * Pairs whose long window is up to this one are pages: their short window (up to RAW_SHORT_MAX)
 * is read raw. (Every window's ratio is summed in the alert from the reads group's increases, so
 * a page is one group away from the raw data, as Sloth's are.)
 */
export const NEAR_MAX = 6 * H;

/**
 * The increase over window `w` for one side (`sli_error` or `sli_total`), written out down to
 * the series an SLO records: the increases of the windows in `recorded` (5m and the raw reads)
 * and the levels. Nothing between them is recorded (the tails, the ratios): every window is
 * summed where it is read, so an SLO records 2 series per raw read and 2 per level, not one
 * more per window (see docs/slo.md, "Recorded series").
 */
export function windowIncrease(side: string, w: number, sel: string, recorded: number[]): string {
  return increaseExprInline(side, w, sel, (s, ms) => `slo:${s}:increase${windowName(ms)}${sel}`, recorded);
}

/** The error ratio over window `w` from the recorded series (`windowIncrease`), guarded: no traffic gives no sample. */
export function windowRatio(w: number, sel: string, recorded: number[]): string {
  return `${windowIncrease('sli_error', w, sel, recorded)} / (${windowIncrease('sli_total', w, sel, recorded)} > 0)`;
}

export function tierOf(ms: number): Tier {
  if (ms <= 6 * H) return TIER_A;
  if (ms <= D) return TIER_A1;
  if (ms < 7 * D) return TIER_B;
  return TIER_C;
}

/** Window names as they appear in series names: `5m`, `1h`, `1d`, `30d`. */
export function windowName(ms: number): string {
  return formatDuration(ms);
}

/** Every window that must be recorded as an increase to derive `windows` (tails included), ascending. */
export function increaseWindows(windows: number[]): number[] {
  const out = new Set<number>();
  const add = (w: number) => {
    if (w === 5 * M || out.has(w)) return;
    out.add(w);
    const t = tierOf(w);
    add(t.tail);
  };
  windows.forEach(add);
  return [...out].sort((a, b) => a - b);
}

export function needsLevel(windows: number[], level: 'level1h' | 'level1d'): boolean {
  const all = increaseWindows(windows);
  if (level === 'level1d') return all.some((w) => tierOf(w).level === 'level1d');
  return all.some((w) => tierOf(w).level !== 'increase5m');
}

/** The expression of the increase over `ms` for one side (`sli_error` or `sli_total`). */
export function increaseExpr(side: string, ms: number, sel: string): string {
  const t = tierOf(ms);
  const tail = `slo:${side}:increase${windowName(t.tail)}${sel}`;
  const range = ms - t.tail;
  const offset = t.tail - t.tile / 2 - t.lag;
  const k = Decimal.from(range).div(t.tile, 12);
  const body = `avg_over_time(slo:${side}:${t.level}${sel}[${formatDuration(range)}] offset ${formatDuration(offset)}) * ${formatNumber(k)}`;
  return `${tail} + ${body}\nor\n${tail}`;
}

/** Level rules: `level1h` = 1h of 5m increases (every 5m), `level1d` = 1d of the 1h level (every 1h). */
export function levelExpr(side: string, level: 'level1h' | 'level1d', sel: string): string {
  return level === 'level1h' ? `avg_over_time(slo:${side}:increase5m${sel}[1h]) * 12` : `avg_over_time(slo:${side}:level1h${sel}[1d]) * 24`;
}

export function parseWindow(text: string): number {
  return durationMs(text);
}

/**
 * `increaseExpr` with the tails expanded down to the recorded 5m series and the raw reads
 * `readRaw(side, ms)` of the windows in `raw` (for checks at past times, where only the levels
 * have history).
 */
export function increaseExprInline(side: string, ms: number, sel: string, readRaw: (side: string, ms: number) => string, raw: number[] = [READ_WINDOW]): string {
  if (ms === 5 * M) return `slo:${side}:increase5m${sel}`;
  if (raw.includes(ms)) {
    const read = readRaw(side, ms);
    return /\s/.test(read) ? `(${read})` : read;
  }
  const t = tierOf(ms);
  const tail = increaseExprInline(side, t.tail, sel, readRaw, raw);
  const range = ms - t.tail;
  const offset = t.tail - t.tile / 2 - t.lag;
  const k = Decimal.from(range).div(t.tile, 12);
  const body = `avg_over_time(slo:${side}:${t.level}${sel}[${formatDuration(range)}] offset ${formatDuration(offset)}) * ${formatNumber(k)}`;
  return `(${tail} + ${body} or ${tail})`;
}
