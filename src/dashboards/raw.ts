/**
 * A dashboard kept as Grafana JSON (`rawDashboard({ model })`, what `obsgen import grafana` writes
 * for a dashboard obsgen's panels cannot express): pointed at the provisioned Prometheus
 * datasource, stripped of what file provisioning rejects (`__inputs`, a numeric id), numbered
 * like every other dashboard, then checked by the same dashboard checks. obsgen's own
 * conventions on it (a unit and thresholds on every panel) are warnings.
 */
import { z } from 'zod';
import type { DatasourceRef } from '../core/component.ts';
import type { DashboardFile } from '../core/model.ts';
import { dashboardUid } from '../core/names.ts';
import { finalizeDashboard } from './finalize.ts';

type Json = Record<string, unknown>;

export const rawDashboardSchema = z
  .object({
    kind: z.literal('raw'),
    /** @default the model's uid, or `<stack>-<title as slug>` */
    uid: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'is not a dashboard uid').optional(),
    /** Grafana folder. @default the stack name */
    folder: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/, 'is not a folder name').optional(),
    /** The classic (v1) dashboard JSON, as Grafana exports it. */
    model: z.record(z.string(), z.unknown()).refine((m) => typeof m.title === 'string' && m.title.trim() !== '', { message: 'has no title', params: { hint: 'a Grafana dashboard model has a title' } }),
  })
  .strict();

export type RawDashboardSpec = z.input<typeof rawDashboardSchema>;

/** A dashboard kept as JSON: `dashboards: [rawDashboard({ model: {...} })]`. */
export const rawDashboard = (props: Omit<RawDashboardSpec, 'kind'>): RawDashboardSpec => ({ kind: 'raw', ...props });

const DS_PLACEHOLDER = /^\$\{?DS_[A-Za-z0-9_]*\}?$/;

/**
 * Points datasource references at the provisioned one: export placeholders (`${DS_PROMETHEUS}`),
 * datasource variables (the bundle provisions one Prometheus to choose), names given as strings,
 * Prometheus refs of another uid. Other datasources (Loki, ...) stay, and the checks name them.
 */
function pointAtDatasource(ref: unknown, ds: DatasourceRef, dsVars: Set<string>): unknown {
  if (ref === undefined || ref === null) return ref;
  const varName = (s: string) => /^\$\{?([A-Za-z_]\w*)\}?$/.exec(s)?.[1];
  if (typeof ref === 'string') {
    const v = varName(ref);
    if (v && dsVars.has(v)) return { ...ds };
    if (DS_PLACEHOLDER.test(ref) || ref === 'Prometheus' || ref === 'prometheus' || ref === 'default') return { ...ds };
    return ref;
  }
  const r = ref as { type?: unknown; uid?: unknown };
  if (typeof r.uid === 'string') {
    const v = varName(r.uid);
    if (v && dsVars.has(v) && (r.type === undefined || r.type === 'prometheus')) return { ...ds };
    if (DS_PLACEHOLDER.test(r.uid) || r.type === 'prometheus' || r.type === undefined) return { ...ds };
  } else if (r.type === 'prometheus' || r.type === undefined) return { ...ds };
  return ref;
}

export function buildRawDashboard(spec: z.output<typeof rawDashboardSchema>, ctx: { stack: string; datasource: DatasourceRef; source: string }): DashboardFile {
  const model = JSON.parse(JSON.stringify(spec.model)) as Json;
  delete model.__inputs;
  delete model.__requires;
  delete model.__elements;
  model.id = null;
  const title = String(model.title);
  const own = typeof model.uid === 'string' && /^[A-Za-z0-9_-]{1,40}$/.test(model.uid) ? model.uid : undefined;
  const uid = spec.uid ?? own ?? dashboardUid(ctx.stack, title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'dashboard');
  model.uid = uid;
  const templating = (model.templating as Json | undefined)?.list as Json[] | undefined;
  // Only variables choosing a Prometheus datasource: a Loki one's queries are not PromQL.
  const dsVars = new Set((templating ?? []).filter((v) => v.type === 'datasource' && v.query === 'prometheus' && typeof v.name === 'string').map((v) => v.name as string));
  for (const v of templating ?? []) {
    if (v.type === 'datasource') {
      // Provisioned Grafana has one Prometheus: the variable starts on it.
      if (v.query === 'prometheus') v.current = { text: ctx.datasource.uid, value: ctx.datasource.uid };
    } else if ('datasource' in v) v.datasource = pointAtDatasource(v.datasource, ctx.datasource, dsVars);
  }
  const visit = (p: Json) => {
    // Grafana reads a missing x or y as 0; the grid check wants them written.
    if (p.gridPos && typeof p.gridPos === 'object') p.gridPos = { x: 0, y: 0, ...(p.gridPos as Json) };
    if ('datasource' in p) p.datasource = pointAtDatasource(p.datasource, ctx.datasource, dsVars);
    for (const t of (p.targets as Json[] | undefined) ?? []) if ('datasource' in t) t.datasource = pointAtDatasource(t.datasource, ctx.datasource, dsVars);
    for (const c of (p.panels as Json[] | undefined) ?? []) visit(c);
  };
  for (const p of (model.panels as Json[] | undefined) ?? []) visit(p);
  const annotations = (model.annotations as Json | undefined)?.list as Json[] | undefined;
  for (const a of annotations ?? []) if ('datasource' in a) a.datasource = pointAtDatasource(a.datasource, ctx.datasource, dsVars);
  return { uid, title, folder: spec.folder ?? ctx.stack, model: finalizeDashboard(model, ctx.datasource), source: ctx.source, imported: true };
}
