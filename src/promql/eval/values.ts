/**
 * The values the evaluator passes between nodes and the QueryValue it returns, plus EvalError,
 * whose messages are Prometheus's own (engine.go errorf) so failures read the same.
 */
import type { Labels } from './labels.ts';

/** One sample of an instant vector. `t` is the stored sample's time, kept only by selectors (for timestamp()). */
export interface Sample {
  labels: Labels;
  v: number;
  t?: number;
}

/** One series of a range vector inside the evaluator: parallel time (ms) and value arrays. */
export interface RangeSeries {
  labels: Labels;
  ts: number[];
  vs: number[];
}

export type Value =
  | { kind: 'scalar'; v: number }
  | { kind: 'string'; v: string }
  | { kind: 'vector'; v: Sample[] }
  /** A range vector at one step: its window is (endMs - rangeMs, endMs]. */
  | { kind: 'matrix'; v: RangeSeries[]; rangeMs: number; endMs: number };

/** What instantQuery and rangeQuery return. */
export type QueryValue =
  | { type: 'vector'; samples: { labels: Record<string, string>; value: number }[] }
  | { type: 'scalar'; value: number }
  | { type: 'matrix'; series: { labels: Record<string, string>; points: { t: number; v: number }[] }[] }
  | { type: 'string'; value: string };

/** A query that Prometheus would fail, with Prometheus's message. */
export class EvalError extends Error {
  override name = 'EvalError';
}

/** A query using something the engine does not evaluate (native histograms). */
export class UnsupportedError extends EvalError {
  override name = 'UnsupportedError';
}
