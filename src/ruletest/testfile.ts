/**
 * The promtool unit test file (cmd/promtool/unittest.go, Prometheus v3): rule_files (paths and
 * globs relative to the test file), evaluation_interval (default 1m), group_eval_order,
 * fuzzy_compare, and tests with interval, input_series, alert_rule_test, promql_expr_test,
 * external_labels, external_url, name and start_timestamp. Read strictly, as promtool does.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { goQuote, parseModelDuration } from './format.ts';
import { decodeStrict, yamlFloat, type Struct } from './yamlstrict.ts';

export interface InputSeries {
  series: string;
  values: string;
}

export interface ExpectedAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface AlertTestCase {
  evalTimeMs: number;
  alertname: string;
  expAlerts: ExpectedAlert[];
}

export interface ExpectedSample {
  labels: string;
  value: number;
  histogram: string;
}

export interface PromqlTestCase {
  expr: string;
  evalTimeMs: number;
  expSamples: ExpectedSample[];
}

export interface TestGroup {
  name: string;
  intervalMs: number;
  inputSeries: InputSeries[];
  alertRuleTests: AlertTestCase[];
  promqlExprTests: PromqlTestCase[];
  externalLabels: Record<string, string>;
  externalURL: string;
  /** Unix milliseconds of the first evaluation (start_timestamp; 0 when not set). */
  startMs: number;
}

export interface TestFile {
  path: string;
  /** Rule files after resolving and globbing, in order. */
  ruleFiles: string[];
  /** Patterns that matched no file (promtool warns, then carries on). */
  unmatched: string[];
  evaluationIntervalMs: number;
  groupEvalOrder: string[];
  fuzzyCompare: boolean;
  tests: TestGroup[];
}

const SAMPLE: Struct = { type: 'sample', fields: { labels: 'string', value: 'float', histogram: 'string' } };
const ALERT: Struct = { type: 'alert', fields: { exp_labels: 'stringMap', exp_annotations: 'stringMap' } };
const ALERT_CASE: Struct = { type: 'alertTestCase', fields: { eval_time: 'duration', alertname: 'string', exp_alerts: { list: ALERT } } };
const PROMQL_CASE: Struct = { type: 'promqlTestCase', fields: { expr: 'string', eval_time: 'duration', exp_samples: { list: SAMPLE } } };
const SERIES: Struct = { type: 'series', fields: { series: 'string', values: 'string' } };
const GROUP: Struct = {
  type: 'testGroup',
  fields: {
    interval: 'duration',
    input_series: { list: SERIES },
    alert_rule_test: { list: ALERT_CASE },
    promql_expr_test: { list: PROMQL_CASE },
    external_labels: 'stringMap',
    external_url: 'string',
    name: 'string',
    start_timestamp: 'string',
  },
};
const FILE: Struct = {
  type: 'unitTestFile',
  fields: { rule_files: 'stringList', evaluation_interval: 'duration', group_eval_order: 'stringList', tests: { list: GROUP }, fuzzy_compare: 'bool' },
};

type Raw = Record<string, unknown> | null | undefined;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const list = (v: unknown): Raw[] => (Array.isArray(v) ? (v as Raw[]) : []);
const map = (v: unknown): Record<string, string> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, string>) : {});

/** filepath.Glob for the patterns promtool accepts: `*`, `?` and `[...]` within one path element. */
export function globFiles(pattern: string): string[] {
  if (!/[*?[]/.test(pattern)) {
    try {
      statSync(pattern);
      return [pattern];
    } catch {
      return [];
    }
  }
  const parts = pattern.split('/');
  let bases = [parts[0] === '' ? '/' : parts[0]!];
  for (const part of parts.slice(1)) {
    const next: string[] = [];
    for (const base of bases) {
      if (!/[*?[]/.test(part)) {
        const p = join(base, part);
        try {
          statSync(p);
          next.push(p);
        } catch {
          /* no match */
        }
        continue;
      }
      const re = new RegExp(`^${part.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
      let names: string[] = [];
      try {
        names = readdirSync(base).sort();
      } catch {
        /* not a directory */
      }
      for (const n of names) if (re.test(n)) next.push(join(base, n));
    }
    bases = next;
  }
  return bases;
}

/** RFC 3339 or Unix seconds, as promtool's start_timestamp. */
function parseStart(text: string): number {
  if (/^-?\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const t = Date.parse(text);
  if (!/^\d{4}-\d\d-\d\dT/.test(text) || Number.isNaN(t)) throw new Error(`cannot parse ${goQuote(text)} to a valid timestamp`);
  return t;
}

/** Reads and checks a test file; errors come back as promtool words them (one failure each). */
export function loadTestFile(path: string): { file?: TestFile; errors: string[] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return { errors: [`open ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`] };
  }
  const decoded = decodeStrict(text, FILE);
  if (decoded.errors.length) return { errors: decoded.errors };
  const raw = (decoded.value ?? {}) as Record<string, unknown>;
  const errors: string[] = [];
  const duration = (v: unknown): number => {
    if (v === null || v === undefined || v === '') return 0;
    try {
      return parseModelDuration(str(v));
    } catch (e) {
      errors.push((e as Error).message);
      return 0;
    }
  };
  const float = (v: unknown): number => {
    if (v === null || v === undefined || v === '') return 0;
    try {
      return yamlFloat(str(v));
    } catch (e) {
      errors.push(`yaml: unmarshal errors:\n  ${(e as Error).message}`);
      return 0;
    }
  };
  const base = dirname(path);
  const ruleFiles: string[] = [];
  const unmatched: string[] = [];
  for (const rf of list(raw.rule_files) as unknown as string[]) {
    const p = rf && !isAbsolute(rf) ? join(base, rf) : rf;
    const m = globFiles(p ?? '');
    if (!m.length) unmatched.push(p ?? '');
    ruleFiles.push(...m);
  }
  const evaluationIntervalMs = duration(raw.evaluation_interval) || 60_000;
  const tests: TestGroup[] = list(raw.tests).map((t) => {
    const g = t ?? {};
    let startMs = 0;
    if (g.start_timestamp) {
      try {
        startMs = parseStart(str(g.start_timestamp));
      } catch (e) {
        errors.push((e as Error).message);
      }
    }
    return {
      name: str(g.name),
      intervalMs: duration(g.interval) || evaluationIntervalMs,
      inputSeries: list(g.input_series).map((s) => ({ series: str(s?.series), values: str(s?.values) })),
      alertRuleTests: list(g.alert_rule_test).map((a) => ({
        evalTimeMs: duration(a?.eval_time),
        alertname: str(a?.alertname),
        expAlerts: list(a?.exp_alerts).map((e) => ({ labels: map(e?.exp_labels), annotations: map(e?.exp_annotations) })),
      })),
      promqlExprTests: list(g.promql_expr_test).map((p) => ({
        expr: str(p?.expr),
        evalTimeMs: duration(p?.eval_time),
        expSamples: list(p?.exp_samples).map((s) => ({ labels: str(s?.labels), value: float(s?.value), histogram: str(s?.histogram) })),
      })),
      externalLabels: map(g.external_labels),
      externalURL: str(g.external_url),
      startMs,
    };
  });
  if (errors.length) return { errors };
  const fuzzy = str(raw.fuzzy_compare);
  return {
    file: {
      path,
      ruleFiles,
      unmatched,
      evaluationIntervalMs,
      groupEvalOrder: list(raw.group_eval_order) as unknown as string[],
      fuzzyCompare: /^(true|True|TRUE|yes|Yes|YES|on|On|ON|y|Y)$/.test(fuzzy),
      tests,
    },
    errors: [],
  };
}

/** The shape promtool decodes a test file into (for yamlfast.ts's tests). */
export { FILE as TEST_FILE_SHAPE };
