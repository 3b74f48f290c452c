/**
 * Shared zod primitives (durations, names, targets, label maps) and the conversion
 * of zod issues into obsgen diagnostics with paths, bad values and hints.
 */
import { z } from 'zod';
import { Decimal, formatNumber } from './decimal.ts';
import { DURATION_HINT, isDuration } from './duration.ts';
import type { Diagnostics } from './diagnostics.ts';
import { reportIssues } from './zodissues.ts';
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

/**
 * A value documented as a percent (0-100) given as a fraction (0.9995 for 99.95%) is
 * refused: below 1% it is a typo far more often than a threshold, and as a percent it
 * silently means an alert that always fires or an objective no service misses.
 * The issue's `percent` param is the value the user meant; the hint names the key.
 */
export function percentNotFraction<T extends z.ZodType<number | string>>(schema: T) {
  return schema.superRefine((v, ctx) => {
    const n = Number(v);
    if (n > 0 && n < 1) {
      ctx.addIssue({ code: 'custom', input: v, message: 'looks like a fraction: this value is a percent (0-100)', params: { percent: formatNumber(Decimal.from(v).mul(100)) } });
    }
  });
}

/** Objective in percent, 0 < x < 100; kept as given so decimals stay exact. */
export const objectivePercent = z.union([
  z.number(),
  z.string().refine((v) => /^\d+(\.\d+)?$/.test(v), { message: 'is not a number', params: { hint: 'give a percent as a number, e.g. 99.9 or "99.95" (without %)' } }),
]);

/** Validates `input` with `schema`, reporting every issue under `basePath`. Returns the parsed value or undefined. */
export function validate<T>(
  schema: z.ZodType<T>,
  input: unknown,
  diag: Diagnostics,
  basePath: string,
): T | undefined {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  reportIssues(schema, input, result.error.issues, diag, basePath);
  return undefined;
}
