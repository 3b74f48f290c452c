/**
 * Shared zod primitives (durations, names, targets, label maps) and the conversion
 * of zod issues into obsgen diagnostics with paths, bad values and hints.
 */
import { z } from 'zod';
import { DURATION_HINT, isDuration } from './duration.ts';
import type { Diagnostics, PathPart } from './diagnostics.ts';
import { joinPath } from './diagnostics.ts';
import {
  ALERT_NAME_HINT,
  ALERT_NAME_RE,
  LABEL_NAME_HINT,
  LABEL_NAME_RE,
  METRIC_NAME_HINT,
  METRIC_NAME_RE,
  TARGET_HINT,
  isValidTarget,
} from './names.ts';

/** A refinement whose issue carries a fix hint. */
function withHint<T extends z.ZodType>(schema: T, check: (v: z.infer<T>) => boolean, message: string, hint: string) {
  return schema.refine(check, { message, params: { hint } });
}

export const duration = withHint(z.string(), isDuration, 'is not a Prometheus duration', DURATION_HINT);
export const labelName = withHint(
  z.string(),
  (v) => LABEL_NAME_RE.test(v) && !v.startsWith('__'),
  'is not a valid label name',
  LABEL_NAME_HINT,
);
export const metricName = withHint(z.string(), (v) => METRIC_NAME_RE.test(v), 'is not a valid metric name', METRIC_NAME_HINT);
export const alertName = withHint(z.string(), (v) => ALERT_NAME_RE.test(v), 'is not a PascalCase alert name', ALERT_NAME_HINT);
export const target = withHint(z.string(), isValidTarget, 'is not a host:port target', TARGET_HINT);
export const severity = z.enum(['critical', 'warning', 'info']);
export const filePath = withHint(
  z.string().min(1),
  (v) => v.startsWith('/') || v.startsWith('./') || /^[\w.-]/.test(v),
  'is not a file path',
  'give the path of a file that holds the secret, e.g. /run/secrets/pagerduty',
);

/** A label map whose keys are valid label names; values are free text. */
export const labels = z.record(z.string(), z.string()).superRefine((map, ctx) => {
  for (const key of Object.keys(map)) {
    if (!LABEL_NAME_RE.test(key) || key.startsWith('__')) {
      ctx.addIssue({ code: 'custom', path: [key], input: key, message: `label name ${JSON.stringify(key)} is not valid`, params: { hint: LABEL_NAME_HINT } });
    }
  }
});

/** Objective in percent, 0 < x < 100; kept as given so decimals stay exact. */
export const objectivePercent = z.union([z.number(), z.string().regex(/^\d+(\.\d+)?$/)]);

function hintFor(issue: z.core.$ZodIssue): string | undefined {
  const params = (issue as { params?: { hint?: string } }).params;
  if (params?.hint) return params.hint;
  switch (issue.code) {
    case 'unrecognized_keys':
      return 'remove the key or check its spelling against the documented props';
    case 'invalid_type':
      return `give a value of type ${issue.expected}`;
    case 'invalid_value':
      return `use one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_big':
      return `use a value ${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}`;
    case 'too_small':
      return issue.origin === 'array' || issue.origin === 'string'
        ? `give at least ${String(issue.minimum)} item(s)`
        : `use a value ${issue.inclusive ? '>=' : '>'} ${String(issue.minimum)}`;
    case 'invalid_format':
      return issue.format === 'regex' && 'pattern' in issue ? `the value must match ${String(issue.pattern)}` : `give a valid ${issue.format}`;
    case 'invalid_union':
      return 'check the value against the documented shapes';
    default:
      return undefined;
  }
}

/** Validates `input` with `schema`, reporting every issue under `basePath`. Returns the parsed value or undefined. */
export function validate<T>(
  schema: z.ZodType<T>,
  input: unknown,
  diag: Diagnostics,
  basePath: string,
): T | undefined {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    let path = joinPath(basePath, ...(issue.path as PathPart[]));
    let message = issue.message;
    let value: unknown = (issue as { input?: unknown }).input;
    if (issue.code === 'unrecognized_keys') {
      path = joinPath(path, issue.keys[0]!);
      message = `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
      value = undefined;
    } else if (issue.code === 'invalid_type' && value === undefined) {
      message = `is required (${issue.expected})`;
    }
    diag.error(path, 'schema', message, { value, hint: hintFor(issue) });
  }
  return undefined;
}
