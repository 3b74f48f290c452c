/**
 * Rule groups kept as written: what `obsgen import rules` prints for a team's existing rule
 * files. The build emits them verbatim (names, expressions, labels, annotations, `for`,
 * `keep_firing_for`, group interval, limit, query_offset and labels) and checks them as Prometheus does (PromQL,
 * label names, templates); obsgen's own conventions (severity and service labels,
 * summary/description/runbook_url, a `for`, tests) are warnings on them, to fix at leisure.
 */
import { z } from 'zod';
import type { AlertRule, RecordingRule, RuleGroup } from '../core/model.ts';
import { duration } from '../core/schema.ts';
import { joinPath } from '../core/diagnostics.ts';
import { alertTestSchema } from './custom.ts';

const stringMap = z.record(z.string(), z.string());

const importedAlertSchema = z
  .object({
    alert: z.string().min(1),
    expr: z.string().min(1),
    for: duration.optional(),
    keepFiringFor: duration.optional(),
    labels: stringMap.optional(),
    annotations: stringMap.optional(),
    /** promtool scenarios, as for free-form alerts; `obsgen import rules` writes them where it can. */
    tests: z.array(alertTestSchema).optional(),
  })
  .strict();

const importedRecordSchema = z.object({ record: z.string().min(1), expr: z.string().min(1), labels: stringMap.optional() }).strict();

export const importedGroupSchema = z
  .object({
    /** Group name as in the file it came from. */
    name: z.string().min(1),
    /** Stem of the rule file, when the name cannot be one. @default name */
    file: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'is not a file stem (letters, digits, ., - and _)')
      .optional(),
    interval: duration.optional(),
    limit: z.number().int().min(0).optional(),
    /** Prometheus 3 (2.53+) `query_offset`: every rule of the group queries this far in the past. */
    queryOffset: duration.optional(),
    /** Prometheus 3.0+ group `labels`: added to every rule of the group; a rule's own labels win. */
    labels: stringMap.optional(),
    rules: z.array(z.union([importedAlertSchema, importedRecordSchema])).min(1),
  })
  .strict();

export type ImportedGroupProps = z.input<typeof importedGroupSchema>;

/** A group name that is also a usable file stem. */
export const FILE_STEM_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export function importedGroups(groups: z.output<typeof importedGroupSchema>[], basePath: string): RuleGroup[] {
  return groups.map((g, i) => {
    const base = joinPath(basePath, i);
    return {
      name: g.name,
      ...(g.file ? { file: g.file } : {}),
      ...(g.interval ? { interval: g.interval } : {}),
      ...(g.limit !== undefined ? { limit: g.limit } : {}),
      ...(g.queryOffset ? { queryOffset: g.queryOffset } : {}),
      ...(g.labels && Object.keys(g.labels).length ? { labels: g.labels } : {}),
      rules: g.rules.map((r, j) => {
        const source = joinPath(base, 'rules', j);
        // The labels Prometheus attaches: the group's, then the rule's own over them.
        const labels = g.labels && Object.keys(g.labels).length ? { ...g.labels, ...(r.labels ?? {}) } : r.labels;
        if ('record' in r) return { kind: 'record', name: r.record, expr: r.expr, ...(labels ? { labels } : {}), source } satisfies RecordingRule;
        return {
          kind: 'alert',
          name: r.alert,
          expr: r.expr,
          ...(r.for ? { for: r.for } : {}),
          ...(r.keepFiringFor ? { keepFiringFor: r.keepFiringFor } : {}),
          // An imported alert may have no severity: the checks warn, the file keeps what it had.
          labels: { ...(labels ?? {}) } as AlertRule['labels'],
          annotations: { ...(r.annotations ?? {}) },
          tests: (r.tests ?? []).map((t) => ({ name: t.name, ...(t.interval ? { interval: t.interval } : {}), series: t.series, checks: [{ at: t.at, firing: t.firing }] })),
          source,
          // Imported rules of one name are tiers of one alert, as rule files often have them.
          tierOf: `ruleGroups ${r.alert}`,
          imported: true,
        } satisfies AlertRule;
      }),
      source: base,
    };
  });
}
