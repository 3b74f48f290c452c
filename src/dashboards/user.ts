/**
 * User dashboards: plain props that stack files write (`dashboard({...})` with `row`,
 * `timeseries`, `stat`, `gauge`, `table` and `text` panels), validated by the stack schema
 * and built with the same helpers as the generated dashboards. Also where a stack's
 * dashboards are put together: generated ones, user ones replacing or adding, dropped
 * uids removed, and the overview linking to all of them.
 */
import { z } from 'zod';
import type { DatasourceRef } from '../core/component.ts';
import { joinPath, type Diagnostics } from '../core/diagnostics.ts';
import type { DashboardFile } from '../core/model.ts';
import { dashboardUid } from '../core/names.ts';
import { finalizeDashboard } from './finalize.ts';
import { buildRawDashboard, type rawDashboardSchema } from './raw.ts';
import { overviewDashboard, overviewUid } from './overview.ts';
import {
  dashboardBuilder,
  gaugePanel,
  instanceVariable,
  jobVariable,
  row as sdkRow,
  statPanel,
  tablePanel,
  textPanel,
  timeseriesPanel,
  type PanelProps,
  type VariableProps,
} from './panels.ts';

export const DASHBOARD_UID_RE = /^[A-Za-z0-9_-]{1,40}$/;
/** One folder level under grafana/dashboards/; it becomes the Grafana folder title. */
export const FOLDER_RE = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/;
const UID_HINT = 'uids are 1-40 characters of A-Z a-z 0-9 _ -';
const VARIABLE_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

const querySchema = z
  .object({
    /** PromQL; Grafana variables ($job, $__rate_interval) are allowed. */
    expr: z.string().min(1),
    /** Legend format, e.g. `{{instance}}`. @default '__auto' */
    legend: z.string().optional(),
    /** @default false for timeseries, true for stat, gauge and table */
    instant: z.boolean().optional(),
  })
  .strict();

const thresholdSchema = z.object({ value: z.number(), color: z.string().min(1) }).strict();
const linkSchema = z.union([
  z.object({ title: z.string().min(1), url: z.string().min(1) }).strict(),
  z.object({ title: z.string().min(1), dashboard: z.string().regex(DASHBOARD_UID_RE, 'is not a dashboard uid') }).strict(),
]);

/** Where a panel sits (Grafana's gridPos x and y); `obsgen import grafana` keeps them. Panels without them are laid out in order. */
const placementFields = {
  /** Column of the 24-column grid the panel starts at (0-23). */
  x: z.number().int().min(0).max(23).optional(),
  /** Grid row the panel starts at. */
  y: z.number().int().min(0).optional(),
};

const panelFields = {
  title: z.string().min(1),
  description: z.string().optional(),
  /** One query (shorthand for `queries: [{ expr: query, legend }]`). */
  query: z.string().min(1).optional(),
  /** Legend format of `query`. */
  legend: z.string().optional(),
  queries: z.array(querySchema).min(1).optional(),
  /** Grafana unit id (`reqps`, `percentunit`, `s`, `bytes`, ...). @default 'short' */
  unit: z.string().min(1).default('short'),
  /** Steps above the base color, e.g. `[{ value: 0.05, color: 'red' }]`. @default [] */
  thresholds: z.array(thresholdSchema).default([]),
  /** @default 'green' */
  baseColor: z.string().min(1).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  decimals: z.number().int().min(0).max(10).optional(),
  /** Columns of the 24-column grid. */
  width: z.number().int().min(1).max(24).optional(),
  height: z.number().int().min(1).max(60).optional(),
  /** Header links: `{ title, url }` or `{ title, dashboard: uid }`. */
  links: z.array(linkSchema).optional(),
  ...placementFields,
  /** Grafana field overrides (fieldConfig.overrides), as Grafana writes them: `[{ matcher: { id: 'byName', options: 'errors' }, properties: [{ id: 'color', value: {...} }] }]`. */
  overrides: z.array(z.looseObject({ matcher: z.looseObject({ id: z.string().min(1) }), properties: z.array(z.looseObject({ id: z.string().min(1) })) })).optional(),
  /** Grafana transformations, as Grafana writes them: `[{ id: 'organize', options: {...} }]`. */
  transformations: z.array(z.looseObject({ id: z.string().min(1) })).optional(),
};

const oneQuery = (p: { query?: string; queries?: unknown[] }) => (p.query === undefined) !== (p.queries === undefined);
const oneQueryIssue = { message: 'needs either query or queries', params: { hint: "give query: 'sum(rate(x[$__rate_interval]))' or queries: [{ expr, legend }]" } };

const timeseriesSchema = z
  .object({ type: z.literal('timeseries'), ...panelFields, stack: z.boolean().optional(), legendMode: z.enum(['list', 'table', 'hidden']).optional() })
  .strict()
  .refine(oneQuery, oneQueryIssue);
const statSchema = z.object({ type: z.literal('stat'), ...panelFields }).strict().refine(oneQuery, oneQueryIssue);
const gaugeSchema = z.object({ type: z.literal('gauge'), ...panelFields }).strict().refine(oneQuery, oneQueryIssue);
const tableSchema = z.object({ type: z.literal('table'), ...panelFields }).strict().refine(oneQuery, oneQueryIssue);
const textSchema = z
  .object({
    type: z.literal('text'),
    title: z.string().min(1),
    /** Markdown. */
    content: z.string(),
    description: z.string().optional(),
    width: z.number().int().min(1).max(24).optional(),
    height: z.number().int().min(1).max(60).optional(),
    ...placementFields,
  })
  .strict();

const panelSchema = z.discriminatedUnion('type', [timeseriesSchema, statSchema, gaugeSchema, tableSchema, textSchema]);
const rowSchema = z
  .object({
    type: z.literal('row'),
    title: z.string().min(1),
    panels: z.array(panelSchema),
    /** Collapsed rows hold their panels until opened. @default false */
    collapsed: z.boolean().default(false),
    /** Grid row the row header sits on (Grafana's gridPos.y). @default laid out in order */
    y: z.number().int().min(0).optional(),
  })
  .strict();

const variableSchema = z.union([
  z.enum(['job', 'instance']),
  z
    .object({
      name: z.string().regex(VARIABLE_NAME_RE, 'is not a variable name'),
      label: z.string().optional(),
      /** e.g. `label_values(up{job=~"$job"}, instance)` */
      query: z.string().min(1),
      multi: z.boolean().optional(),
      includeAll: z.boolean().optional(),
    })
    .strict(),
]);

export const userDashboardSchema = z
  .object({
    kind: z.literal('dashboard').optional(),
    /** @default `<stack>-<title as slug>` (40 characters at most, hashed when longer) */
    uid: z.string().regex(DASHBOARD_UID_RE, 'is not a dashboard uid').optional(),
    title: z.string().min(1),
    description: z.string().optional(),
    /** Grafana folder (a folder under grafana/dashboards/). @default the stack name */
    folder: z.string().regex(FOLDER_RE, 'is not a folder name').optional(),
    /** @default [] */
    tags: z.array(z.string()).default([]),
    /** `'job'`, `'instance'` or `{ name, query }`; `$job` and `$instance` are added when panels use them. @default [] */
    variables: z.array(variableSchema).default([]),
    /** @default 'now-6h' */
    from: z.string().optional(),
    /** @default '30s' */
    refresh: z.string().optional(),
    /** Written by `obsgen import grafana`: obsgen's conventions (units, thresholds, $__rate_interval) warn instead of failing the build. @default false */
    imported: z.boolean().optional(),
    /** Replace the generated dashboard that has this uid. @default false */
    replace: z.boolean().default(false),
    panels: z.array(z.union([rowSchema, panelSchema])).min(1),
  })
  .strict();

export type QuerySpec = z.input<typeof querySchema>;
export type TimeseriesSpec = z.input<typeof timeseriesSchema>;
export type StatSpec = z.input<typeof statSchema>;
export type GaugeSpec = z.input<typeof gaugeSchema>;
export type TableSpec = z.input<typeof tableSchema>;
export type TextSpec = z.input<typeof textSchema>;
export type PanelSpec = z.input<typeof panelSchema>;
export type RowSpec = z.input<typeof rowSchema>;
export type DashboardSpec = z.input<typeof userDashboardSchema>;
export type UserDashboard = z.output<typeof userDashboardSchema>;
type PanelConfig = z.output<typeof panelSchema>;

type Without<T> = Omit<T, 'type'>;

/** A time series panel: `timeseries({ title: 'Requests', query: 'sum(rate(x[$__rate_interval]))', unit: 'reqps' })`. */
export const timeseries = (props: Without<TimeseriesSpec>): TimeseriesSpec => ({ type: 'timeseries', ...props });
/** A single value (the last one): `stat({ title: 'Up', query: 'sum(up)' })`. */
export const stat = (props: Without<StatSpec>): StatSpec => ({ type: 'stat', ...props });
/** A gauge; set `min` and `max`. */
export const gauge = (props: Without<GaugeSpec>): GaugeSpec => ({ type: 'gauge', ...props });
/** A table of an instant query: one row per series. */
export const table = (props: Without<TableSpec>): TableSpec => ({ type: 'table', ...props });
/** A Markdown text panel. */
export const text = (props: Without<TextSpec>): TextSpec => ({ type: 'text', ...props });
/** A row of panels: `row('Traffic', [timeseries({...}), stat({...})])`. */
export const row = (title: string, panels: PanelSpec[], options: { collapsed?: boolean } = {}): RowSpec => ({ type: 'row', title, panels, ...options });
/** A dashboard for `defineStack({ dashboards: [...] })`. */
export const dashboard = (props: Omit<DashboardSpec, 'kind'>): DashboardSpec => ({ kind: 'dashboard', ...props });

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

export function userDashboardUid(stack: string, spec: { uid?: string; title: string }): string {
  return spec.uid ?? dashboardUid(stack, slug(spec.title) || 'dashboard');
}

function panelProps(p: Exclude<PanelConfig, { type: 'text' }>): PanelProps {
  const queries = p.queries ?? [{ expr: p.query!, legend: p.legend }];
  return {
    title: p.title,
    description: p.description,
    queries: queries.map((q) => ({ expr: q.expr, legend: q.legend, instant: q.instant })),
    unit: p.unit,
    thresholds: p.thresholds,
    baseColor: p.baseColor,
    min: p.min,
    max: p.max,
    decimals: p.decimals,
    width: p.width,
    height: p.height,
    links: p.links?.map((l) => ('url' in l ? l : { title: l.title, url: `/d/${l.dashboard}` })),
  };
}

function panelBuilder(p: PanelConfig) {
  switch (p.type) {
    case 'timeseries':
      return timeseriesPanel({ ...panelProps(p), stack: p.stack, legend: p.legendMode });
    case 'stat':
      return statPanel(panelProps(p));
    case 'gauge':
      return gaugePanel(panelProps(p));
    case 'table':
      return tablePanel(panelProps(p));
    case 'text':
      return textPanel({ title: p.title, content: p.content, description: p.description, width: p.width, height: p.height });
  }
}

function exprsOf(spec: UserDashboard): string[] {
  const out: string[] = [];
  const visit = (p: PanelConfig) => {
    if (p.type === 'text') return;
    if (p.query) out.push(p.query);
    for (const q of p.queries ?? []) out.push(q.expr);
  };
  for (const p of spec.panels) {
    if (p.type === 'row') p.panels.forEach(visit);
    else visit(p);
  }
  return out;
}

const uses = (exprs: string[], name: string) => exprs.some((e) => new RegExp(`\\$(\\{${name}(:\\w+)?\\}|${name}\\b)|\\[\\[${name}\\]\\]`).test(e));

/** The variables of a user dashboard: as declared, plus `job` / `instance` when panels use them undeclared. */
export function userVariables(spec: UserDashboard): VariableProps[] {
  const vars: VariableProps[] = spec.variables.map((v) => (v === 'job' ? jobVariable() : v === 'instance' ? instanceVariable() : v));
  const names = () => new Set(vars.map((v) => v.name));
  const texts = [...exprsOf(spec), ...vars.map((v) => v.query)];
  if (uses(texts, 'instance') && !names().has('instance')) vars.push(instanceVariable());
  if (uses([...texts, ...vars.map((v) => v.query)], 'job') && !names().has('job')) vars.unshift(jobVariable());
  return vars;
}

export interface UserDashboardContext {
  stack: string;
  datasource: DatasourceRef;
  source: string;
}

export function buildUserDashboard(spec: UserDashboard, ctx: UserDashboardContext): DashboardFile {
  const uid = userDashboardUid(ctx.stack, spec);
  const b = dashboardBuilder({
    uid,
    title: spec.title,
    description: spec.description,
    tags: [ctx.stack, ...spec.tags],
    datasourceUid: ctx.datasource.uid,
    variables: userVariables(spec),
    linkTags: [ctx.stack],
    from: spec.from,
    refresh: spec.refresh,
  });
  for (const p of spec.panels) {
    if (p.type !== 'row') {
      b.withPanel(panelBuilder(p));
      continue;
    }
    if (p.collapsed) {
      const r = sdkRow(p.title);
      for (const child of p.panels) r.withPanel(panelBuilder(child));
      b.withRow(r.collapsed(true));
    } else {
      b.withRow(sdkRow(p.title));
      for (const child of p.panels) b.withPanel(panelBuilder(child));
    }
  }
  const model = finalizeDashboard(b.build(), ctx.datasource);
  placePanels(model, spec);
  return { uid, title: spec.title, folder: spec.folder ?? ctx.stack, model, source: ctx.source, ...(spec.imported ? { imported: true } : {}) };
}

/**
 * What the helpers do not build and a panel spec carries as Grafana has it: its grid position
 * (x, y; the size is already width and height), field overrides and transformations. The built
 * model has one panel per spec panel in spec order (a row, then its panels; a collapsed row's in
 * its `panels`). Positions are the spec's, so the dashboards check reports an overlap they make.
 */
function placePanels(model: Record<string, unknown>, spec: UserDashboard): void {
  type Json = Record<string, unknown>;
  const built = (model.panels as Json[] | undefined) ?? [];
  let i = 0;
  const apply = (p: Json | undefined, s: PanelConfig | z.output<typeof rowSchema>) => {
    if (!p) return;
    const g = (p.gridPos ?? {}) as Json;
    if (s.y !== undefined) p.gridPos = { ...g, y: s.y, ...(s.type === 'row' ? { x: 0 } : s.x !== undefined ? { x: s.x } : {}) };
    else if (s.type !== 'row' && s.x !== undefined) p.gridPos = { ...g, x: s.x };
    if (s.type === 'row' || s.type === 'text') return;
    if (s.overrides?.length) p.fieldConfig = { ...((p.fieldConfig as Json | undefined) ?? {}), overrides: s.overrides };
    if (s.transformations?.length) p.transformations = s.transformations;
  };
  for (const s of spec.panels) {
    const p = built[i++];
    apply(p, s);
    if (s.type !== 'row') continue;
    if (s.collapsed) s.panels.forEach((c, j) => apply(((p?.panels as Json[] | undefined) ?? [])[j], c));
    else for (const c of s.panels) apply(built[i++], c);
  }
}

export interface AssembleProps {
  stack: string;
  datasource: DatasourceRef;
  /** Dashboards services, mixins and SLOs generated. */
  generated: DashboardFile[];
  /** The stack's `dashboards` prop (validated). */
  user: (UserDashboard | z.output<typeof rawDashboardSchema>)[];
  /** The stack's `dropDashboards` prop: uids of generated dashboards to leave out. */
  drop: string[];
  jobs: string[];
  selfMonitoring: boolean;
  diag: Diagnostics;
}

/**
 * The stack's dashboards in order: the overview first, then generated ones (replaced in
 * place by user dashboards with `replace: true`), then the user's own. Dropping or
 * replacing a uid that no generated dashboard has, and a user uid that collides with a
 * generated one without `replace`, are errors.
 */
export function assembleDashboards(p: AssembleProps): DashboardFile[] {
  const ovUid = overviewUid(p.stack);
  const generatedUids = [...p.generated.map((d) => d.uid), ovUid];
  const known = () => `generated uids: ${generatedUids.join(', ')}`;
  const list: (DashboardFile | 'overview')[] = ['overview', ...p.generated];
  const dropped = new Set<string>();
  p.drop.forEach((uid, i) => {
    if (!generatedUids.includes(uid)) {
      p.diag.error(joinPath('', 'dropDashboards', i), 'unknown-dashboard', `no generated dashboard has uid ${JSON.stringify(uid)}`, { value: uid, hint: known(), wholeStack: true });
    } else dropped.add(uid);
  });
  const extra: DashboardFile[] = [];
  p.user.forEach((spec, i) => {
    const source = joinPath('', 'dashboards', i);
    const file = spec.kind === 'raw' ? buildRawDashboard(spec, { stack: p.stack, datasource: p.datasource, source }) : buildUserDashboard(spec, { stack: p.stack, datasource: p.datasource, source });
    const at = list.findIndex((d) => (d === 'overview' ? ovUid : d.uid) === file.uid);
    if (spec.kind !== 'raw' && spec.replace) {
      if (at < 0) {
        p.diag.error(joinPath(source, 'replace'), 'nothing-to-replace', `replace is set but no generated dashboard has uid ${JSON.stringify(file.uid)}`, {
          value: file.uid,
          hint: `set uid to the dashboard to replace (${known()}), or remove replace`,
          wholeStack: true,
        });
        extra.push(file);
      } else if (dropped.has(file.uid)) {
        p.diag.error(joinPath(source, 'replace'), 'replace-dropped', `dashboard ${file.uid} is both replaced and dropped`, { value: file.uid, hint: 'remove it from dropDashboards or remove this dashboard' });
      } else list[at] = file;
    } else if (at >= 0) {
      p.diag.error(joinPath(source, 'uid'), 'duplicate-dashboard', `a generated dashboard already has uid ${file.uid}`, {
        value: file.uid,
        hint: 'set replace: true to replace the generated dashboard, or choose another uid (or title)',
      });
    } else extra.push(file);
  });
  const kept = [...list, ...extra].filter((d) => d === 'overview' || !dropped.has(d.uid));
  const others = kept.filter((d): d is DashboardFile => d !== 'overview');
  return kept.flatMap((d) => {
    if (d !== 'overview') return [d];
    if (dropped.has(ovUid)) return [];
    return [
      overviewDashboard({
        stack: p.stack,
        datasource: p.datasource,
        folder: p.stack,
        dashboards: others.map((o) => ({ uid: o.uid, title: o.title, folder: o.folder })),
        jobs: p.jobs,
        selfMonitoring: p.selfMonitoring,
      }),
    ];
  });
}
