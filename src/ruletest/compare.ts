/**
 * How promtool compares what a test expects with what the rules produced, and how it prints the
 * two: alerts sorted by labels then annotations, samples by labels (labels.Compare), floats equal
 * exactly, or within one ulp with fuzzy_compare; printed as cmd/promtool/unittest.go prints them.
 */
import { compareLabels, formatFloatE, labelsString, type Labels } from './format.ts';

export interface LabelsAndAnnotations {
  labels: Labels;
  annotations: Labels;
}

export interface ParsedSample {
  labels: Labels;
  value: number;
  histogram: string;
}

export function sortAlerts(list: LabelsAndAnnotations[]): LabelsAndAnnotations[] {
  return [...list].sort((a, b) => compareLabels(a.labels, b.labels) || compareLabels(a.annotations, b.annotations));
}

export function alertsEqual(exp: LabelsAndAnnotations[], got: LabelsAndAnnotations[]): boolean {
  return exp.length === got.length && exp.every((e, i) => compareLabels(e.labels, got[i]!.labels) === 0 && compareLabels(e.annotations, got[i]!.annotations) === 0);
}

/** indentLines: every line after the first gets the indent. */
export function indentLines(lines: string, indent: string): string {
  return lines.split('\n').join(`\n${indent}`);
}

/** labelsAndAnnotations String(). */
export function alertsString(list: LabelsAndAnnotations[]): string {
  if (!list.length) return '[]';
  const one = (a: LabelsAndAnnotations): string => `Labels:${labelsString(a.labels)}\nAnnotations:${labelsString(a.annotations)}`;
  return `[\n${list.map((a, i) => `${i}:${indentLines(`\n${one(a)}`, '  ')}`).join(',\n')}\n]`;
}

const buf = new DataView(new ArrayBuffer(8));
/** math.Nextafter(x, ±Inf). */
function nextAfter(x: number, up: boolean): number {
  if (Number.isNaN(x)) return x;
  if (x === 0) return up ? Number.MIN_VALUE : -Number.MIN_VALUE;
  if (!Number.isFinite(x)) return (x > 0) === up ? x : x > 0 ? Number.MAX_VALUE : -Number.MAX_VALUE;
  buf.setFloat64(0, x);
  const bits = buf.getBigUint64(0);
  buf.setBigUint64(0, (x > 0) === up ? bits + 1n : bits - 1n);
  return buf.getFloat64(0);
}

export function floatsEqual(x: number, y: number, fuzzy: boolean): boolean {
  if (x === y) return true;
  return fuzzy && (nextAfter(x, false) === y || nextAfter(x, true) === y);
}

export function sortSamples(list: ParsedSample[]): ParsedSample[] {
  return [...list].sort((a, b) => compareLabels(a.labels, b.labels));
}

export function samplesEqual(exp: ParsedSample[], got: ParsedSample[], fuzzy: boolean): boolean {
  return (
    exp.length === got.length &&
    exp.every((e, i) => {
      const g = got[i]!;
      return compareLabels(e.labels, g.labels) === 0 && e.histogram === g.histogram && floatsEqual(e.value, g.value, fuzzy);
    })
  );
}

/** parsedSamplesString: `{a="b"} 1E+00, {a="c"} 2E+00`, or `nil`. */
export function samplesString(list: ParsedSample[]): string {
  if (!list.length) return 'nil';
  return list.map((s) => `${labelsString(s.labels)} ${s.histogram || formatFloatE(s.value)}`).join(', ');
}
