/**
 * obsgen's dashboard helpers over @grafana/grafana-foundation-sdk: small functions that
 * return SDK builders, so stack files and mixins never touch the SDK's fluent chains.
 * Every helper sets a unit and thresholds (a base step at least), a legend and tooltip,
 * and queries through the `$datasource` variable; ids, refIds and the grid are fixed
 * up by finalizeDashboard (finalize.ts).
 */
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as gauge from '@grafana/grafana-foundation-sdk/gauge';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as text from '@grafana/grafana-foundation-sdk/text';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import type { DatasourceRef } from '../core/component.ts';

export const DATASOURCE_VARIABLE = 'datasource';
/** Panels query through the `$datasource` variable, which defaults to the provisioned uid. */
export const DS_VAR_REF: DatasourceRef = { type: 'prometheus', uid: `\${${DATASOURCE_VARIABLE}}` };

export interface QueryProps {
  expr: string;
  /** @default '__auto' */
  legend?: string;
  /** Instant query (for stats and tables). @default false */
  instant?: boolean;
  /** `table` returns one row per series (tables). @default 'time_series' */
  format?: 'time_series' | 'table';
}

export interface ThresholdStep {
  value: number;
  color: string;
}

export interface PanelProps {
  title: string;
  description?: string;
  queries: QueryProps[];
  /** Grafana unit id, e.g. `reqps`, `percentunit`, `s`, `bytes`. @default 'short' */
  unit?: string;
  /** Absolute thresholds above the base step: `[{ value: 0.05, color: 'red' }]`. */
  thresholds?: ThresholdStep[];
  /** Color of the base threshold step (below every threshold). @default 'green' */
  baseColor?: string;
  min?: number;
  max?: number;
  decimals?: number;
  /** Width in grid columns (1-24). @default 12 (timeseries, table), 6 (stat, gauge) */
  width?: number;
  /** Height in grid rows. @default 8 (timeseries, table), 4 (stat), 6 (gauge) */
  height?: number;
  /** Links shown in the panel header, e.g. to another dashboard: `{ title, url: '/d/<uid>' }`. */
  links?: { title: string; url: string }[];
}

export interface TimeseriesProps extends PanelProps {
  /** Stack the series. @default false */
  stack?: boolean;
  /** Legend as a list, a table with last/max values, or hidden. @default 'list' */
  legend?: 'list' | 'table' | 'hidden';
}

export interface TextPanelProps {
  title: string;
  /** Markdown content. */
  content: string;
  description?: string;
  /** @default 24 */
  width?: number;
  /** @default 4 */
  height?: number;
}

function query(q: QueryProps): prometheus.DataqueryBuilder {
  const b = new prometheus.DataqueryBuilder().datasource(DS_VAR_REF).expr(q.expr).legendFormat(q.legend ?? '__auto');
  if (q.format === 'table') b.format(prometheus.PromQueryFormat.Table);
  return q.instant ? b.instant() : b.range();
}

/** Absolute thresholds: a base step (`baseColor`, default green) and the given steps. */
export function thresholds(steps: ThresholdStep[] | undefined, baseColor = 'green'): dashboard.ThresholdsConfigBuilder {
  const all = steps ?? [];
  return new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps([
    { value: null as unknown as number, color: baseColor },
    ...all.map((s) => ({ value: s.value, color: s.color })),
  ]);
}

function links(p: PanelProps): dashboard.DashboardLinkBuilder[] {
  return (p.links ?? []).map((l) =>
    new dashboard.DashboardLinkBuilder(l.title).type(dashboard.DashboardLinkType.Link).url(l.url).includeVars(true).keepTime(true).targetBlank(false),
  );
}

interface CommonSetters {
  description(d: string): unknown;
  min(n: number): unknown;
  max(n: number): unknown;
  decimals(n: number): unknown;
  links(l: dashboard.DashboardLinkBuilder[]): unknown;
}

function applyCommon(b: CommonSetters, p: PanelProps): void {
  if (p.description) b.description(p.description);
  if (p.min !== undefined) b.min(p.min);
  if (p.max !== undefined) b.max(p.max);
  if (p.decimals !== undefined) b.decimals(p.decimals);
  if (p.links?.length) b.links(links(p));
}

export function timeseriesPanel(p: TimeseriesProps): timeseries.PanelBuilder {
  const legendMode = p.legend ?? 'list';
  const legend = new common.VizLegendOptionsBuilder()
    .showLegend(legendMode !== 'hidden')
    .displayMode(legendMode === 'table' ? common.LegendDisplayMode.Table : common.LegendDisplayMode.List)
    .placement(common.LegendPlacement.Bottom);
  if (legendMode === 'table') legend.calcs(['lastNotNull', 'max']);
  const b = new timeseries.PanelBuilder()
    .title(p.title)
    .unit(p.unit ?? 'short')
    .datasource(DS_VAR_REF)
    .thresholds(thresholds(p.thresholds, p.baseColor))
    .legend(legend)
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending))
    .lineWidth(1)
    .fillOpacity(p.stack ? 30 : 10)
    .span(p.width ?? 12)
    .height(p.height ?? 8);
  applyCommon(b, p);
  if (p.stack) b.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
  if (p.thresholds?.length) b.thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed));
  for (const q of p.queries) b.withTarget(query(q));
  return b;
}

export function statPanel(p: PanelProps): stat.PanelBuilder {
  const b = new stat.PanelBuilder()
    .title(p.title)
    .unit(p.unit ?? 'short')
    .datasource(DS_VAR_REF)
    .thresholds(thresholds(p.thresholds, p.baseColor))
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']))
    .colorMode(common.BigValueColorMode.Value)
    .graphMode(common.BigValueGraphMode.Area)
    .span(p.width ?? 6)
    .height(p.height ?? 4);
  applyCommon(b, p);
  for (const q of p.queries) b.withTarget(query({ ...q, instant: q.instant ?? true }));
  return b;
}

/** A gauge of the last value; set min and max (a ratio gauge: unit percentunit, max 1). */
export function gaugePanel(p: PanelProps): gauge.PanelBuilder {
  const b = new gauge.PanelBuilder()
    .title(p.title)
    .unit(p.unit ?? 'short')
    .datasource(DS_VAR_REF)
    .thresholds(thresholds(p.thresholds, p.baseColor))
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']))
    .showThresholdMarkers(true)
    .span(p.width ?? 6)
    .height(p.height ?? 6);
  applyCommon(b, p);
  for (const q of p.queries) b.withTarget(query({ ...q, instant: q.instant ?? true }));
  return b;
}

/** A table of instant query results, one row per series, the value in the `Value` column. */
export function tablePanel(p: PanelProps): table.PanelBuilder {
  const b = new table.PanelBuilder()
    .title(p.title)
    .unit(p.unit ?? 'short')
    .datasource(DS_VAR_REF)
    .thresholds(thresholds(p.thresholds, p.baseColor))
    .showHeader(true)
    .cellHeight(common.TableCellHeight.Sm)
    .span(p.width ?? 12)
    .height(p.height ?? 8);
  applyCommon(b, p);
  for (const q of p.queries) b.withTarget(query({ ...q, instant: q.instant ?? true, format: q.format ?? 'table' }));
  // Drop the Time column of instant table results.
  b.withTransformation({ id: 'organize', options: { excludeByName: { Time: true }, indexByName: {}, renameByName: {} } });
  return b;
}

/** A Markdown text panel (no queries), e.g. a list of links. */
export function textPanel(p: TextPanelProps): text.PanelBuilder {
  const b = new text.PanelBuilder()
    .title(p.title)
    .mode(text.TextMode.Markdown)
    .content(p.content)
    .span(p.width ?? 24)
    .height(p.height ?? 4);
  if (p.description) b.description(p.description);
  return b;
}

export function row(title: string): dashboard.RowBuilder {
  return new dashboard.RowBuilder(title);
}

export interface VariableProps {
  name: string;
  label?: string;
  /** `label_values(up, job)`-style query over the `$datasource`. */
  query: string;
  /** @default true */
  multi?: boolean;
  /** @default true (All matches `.*`) */
  includeAll?: boolean;
}

/** The `job` variable: every job `up` knows, or the jobs a selector matches. */
export function jobVariable(selector = 'up'): VariableProps {
  return { name: 'job', label: 'Job', query: `label_values(${selector}, job)` };
}

/** The `instance` variable, filtered by `$job` unless a selector is given. */
export function instanceVariable(selector = 'up{job=~"$job"}'): VariableProps {
  return { name: 'instance', label: 'Instance', query: `label_values(${selector}, instance)` };
}

export interface DashboardProps {
  uid: string;
  title: string;
  description?: string;
  tags?: string[];
  /** Query variables over label values, e.g. `{ name: 'instance', query: 'label_values(up{job="x"}, instance)' }`. */
  variables?: VariableProps[];
  /** Default datasource uid for the `$datasource` variable. */
  datasourceUid: string;
  /** Links to other dashboards by tag (a dropdown). */
  linkTags?: string[];
  /** Links to given dashboards by uid, shown at the top. */
  links?: { title: string; uid: string }[];
  /** @default 'now-6h' */
  from?: string;
  /** @default '30s' */
  refresh?: string;
}

export function dashboardBuilder(p: DashboardProps): dashboard.DashboardBuilder {
  const b = new dashboard.DashboardBuilder(p.title)
    .uid(p.uid)
    .tags([...(p.tags ?? []), 'obsgen'])
    .time({ from: p.from ?? 'now-6h', to: 'now' })
    .refresh(p.refresh ?? '30s')
    .timezone('browser')
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .readonly()
    .withVariable(
      new dashboard.DatasourceVariableBuilder(DATASOURCE_VARIABLE)
        .label('Data source')
        .type('prometheus')
        .current({ text: p.datasourceUid, value: p.datasourceUid }),
    );
  if (p.description) b.description(p.description);
  for (const v of p.variables ?? []) {
    const vb = new dashboard.QueryVariableBuilder(v.name)
      .label(v.label ?? v.name)
      .datasource(DS_VAR_REF)
      .query(v.query)
      .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
      .sort(dashboard.VariableSort.AlphabeticalAsc);
    if (v.multi ?? true) vb.multi(true);
    if (v.includeAll ?? true) vb.includeAll(true).allValue('.*');
    b.withVariable(vb);
  }
  for (const l of p.links ?? []) {
    b.link(new dashboard.DashboardLinkBuilder(l.title).type(dashboard.DashboardLinkType.Link).url(`/d/${l.uid}`).icon('dashboard').includeVars(false).keepTime(true).asDropdown(false).targetBlank(false));
  }
  if (p.linkTags?.length) {
    b.link(new dashboard.DashboardLinkBuilder('Related').type(dashboard.DashboardLinkType.Dashboards).tags(p.linkTags).asDropdown(true).includeVars(false).keepTime(true));
  }
  return b;
}
