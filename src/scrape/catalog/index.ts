/**
 * The metrics catalog: each exporter's metrics (name, type, labels, unit) and default port,
 * used by mixins (their expressions may only name catalog metrics) and by lint (queries
 * must reference metrics the stack's jobs expose; rate() only over counters).
 *
 * exporters.json holds the upstream exporters' facts; EXTRA_EXPORTERS adds the services
 * obsgen defines itself (an httpService's RED metrics, the seed log shipper).
 */
import data from './exporters.json' with { type: 'json' };

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'info' | 'stateset' | 'untyped' | 'unknown';

export interface MetricInfo {
  name: string;
  type: MetricType;
  labels: string[];
  unit?: string;
  note?: string;
}

export interface ExporterInfo {
  key: string;
  defaultPort?: number;
  path?: string;
  jobHint?: string;
  metrics: MetricInfo[];
}

interface RawExporter {
  default_port?: number | null;
  path?: string;
  job_hint?: string;
  metrics: { name: string; type: string; labels?: string[]; unit?: string; note?: string }[];
}

const EXTRA_EXPORTERS: ExporterInfo[] = [];

/** Registers an exporter the JSON does not hold (or more metrics of one it does). */
export function registerExporter(info: ExporterInfo): void {
  const existing = EXTRA_EXPORTERS.find((e) => e.key === info.key);
  if (existing) existing.metrics.push(...info.metrics);
  else EXTRA_EXPORTERS.push(info);
  cache = undefined;
}

let cache: Map<string, ExporterInfo> | undefined;

export function exporters(): Map<string, ExporterInfo> {
  if (cache) return cache;
  const out = new Map<string, ExporterInfo>();
  for (const [key, raw] of Object.entries(data as Record<string, RawExporter>)) {
    out.set(key, {
      key,
      ...(typeof raw.default_port === 'number' ? { defaultPort: raw.default_port } : {}),
      ...(raw.path ? { path: raw.path } : {}),
      ...(raw.job_hint ? { jobHint: raw.job_hint } : {}),
      metrics: raw.metrics.map((m) => ({
        name: m.name,
        type: (m.type as MetricType) ?? 'unknown',
        labels: m.labels ?? [],
        ...(m.unit ? { unit: m.unit } : {}),
        ...(m.note ? { note: m.note } : {}),
      })),
    });
  }
  for (const e of EXTRA_EXPORTERS) {
    const existing = out.get(e.key);
    if (existing) out.set(e.key, { ...existing, metrics: [...existing.metrics, ...e.metrics] });
    else out.set(e.key, e);
  }
  cache = out;
  return out;
}

const SUFFIXES: [string, MetricType[]][] = [
  ['_bucket', ['histogram']],
  ['_sum', ['histogram', 'summary']],
  ['_count', ['histogram', 'summary']],
];

/**
 * Looks a series name up in one exporter (or all), resolving histogram/summary suffixes:
 * `x_bucket` is found as the histogram `x`, reported with type `counter` (what the
 * series is), and `histogramOf` set.
 */
export function lookupMetric(name: string, exporterKey?: string): (MetricInfo & { exporter: string; histogramOf?: string }) | undefined {
  const list = exporterKey ? [exporters().get(exporterKey)].filter((e): e is ExporterInfo => !!e) : [...exporters().values()];
  for (const e of list) {
    const direct = e.metrics.find((m) => m.name === name);
    if (direct) return { ...direct, exporter: e.key };
  }
  for (const [suffix, types] of SUFFIXES) {
    if (!name.endsWith(suffix)) continue;
    const base = name.slice(0, -suffix.length);
    for (const e of list) {
      const m = e.metrics.find((x) => x.name === base && types.includes(x.type));
      if (m) return { ...m, name, type: 'counter', labels: suffix === '_bucket' ? [...m.labels, 'le'] : m.labels, exporter: e.key, histogramOf: base };
    }
  }
  return undefined;
}

/** Scrape defaults of an exporter: default port, metrics path and a conventional job name. */
export interface ExporterDefaults {
  port?: number;
  /** Metrics path when it is a plain path (multi-target paths such as `/probe` are left out). */
  path: string;
  job?: string;
}

export function exporterDefaults(key: string): ExporterDefaults {
  const e = exporters().get(key);
  if (!e) throw new Error(`the catalog has no exporter ${JSON.stringify(key)}`);
  const path = e.path && /^\/[\w./-]*$/.test(e.path) ? e.path : (e.path?.match(/^(\/[\w./-]*)/)?.[1] ?? '/metrics');
  const job = e.jobHint?.split(/\s*\|\s*/)[0]?.split(' ')[0];
  return { ...(e.defaultPort !== undefined ? { port: e.defaultPort } : {}), path, ...(job ? { job } : {}) };
}

/** Whether a series name is in the catalog (of one exporter, or any). */
export function hasMetric(name: string, exporterKey?: string): boolean {
  return lookupMetric(name, exporterKey) !== undefined;
}
