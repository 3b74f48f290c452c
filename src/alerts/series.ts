/** Helpers that write promtool input series: selectors and expanding-notation values. */
import type { Labels } from '../core/model.ts';

export function seriesSelector(metric: string, labels: Labels): string {
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`);
  return `${metric}{${parts.join(',')}}`;
}

/** A counter growing by `perStep` each step for `steps` steps, e.g. `0+600x30`. */
export function counterValues(perStep: number, steps: number, start = 0): string {
  return `${start}+${perStep}x${steps}`;
}

/** A gauge holding `value` for `steps` steps, e.g. `5x30`. */
export function gaugeValues(value: number, steps: number): string {
  return `${value}x${steps}`;
}
