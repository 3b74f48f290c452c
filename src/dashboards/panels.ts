/**
 * obsgen's dashboard helpers over @grafana/grafana-foundation-sdk: small functions that
 * return SDK builders, so stack files and mixins never touch the SDK's fluent chains.
 */
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
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
}

export interface PanelProps {
  title: string;
  description?: string;
  queries: QueryProps[];
  /** Grafana unit id, e.g. `reqps`, `percentunit`, `s`, `bytes`. @default 'short' */
  unit?: string;
  /** Absolute thresholds: the first step is the base color. */
  thresholds?: { value: number; color: string }[];
  min?: number;
  max?: number;
  /** Width in grid columns (1-24). @default 12 */
  width?: number;
  /** Height in grid rows. @default 8 */
  height?: number;
}

function query(q: QueryProps): prometheus.DataqueryBuilder {
  const b = new prometheus.DataqueryBuilder().datasource(DS_VAR_REF).expr(q.expr).legendFormat(q.legend ?? '__auto');
  return q.instant ? b.instant() : b.range();
}

function thresholds(steps: { value: number; color: string }[] | undefined): dashboard.ThresholdsConfigBuilder {
  const all = steps ?? [];
  return new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps([
    { value: null as unknown as number, color: 'green' },
    ...all.map((s) => ({ value: s.value, color: s.color })),
  ]);
}

export function timeseriesPanel(p: PanelProps): timeseries.PanelBuilder {
  const b = new timeseries.PanelBuilder()
    .title(p.title)
    .unit(p.unit ?? 'short')
    .datasource(DS_VAR_REF)
    .thresholds(thresholds(p.thresholds))
    .legend(new common.VizLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.List).placement(common.LegendPlacement.Bottom))
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending))
    .lineWidth(1)
    .fillOpacity(10)
    .span(p.width ?? 12)
    .height(p.height ?? 8);
  if (p.description) b.description(p.description);
  if (p.min !== undefined) b.min(p.min);
  if (p.max !== undefined) b.max(p.max);
  if (p.thresholds?.length) b.thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed));
  for (const q of p.queries) b.withTarget(query(q));
  return b;
}

export function statPanel(p: PanelProps): stat.PanelBuilder {
  const b = new stat.PanelBuilder()
    .title(p.title)
    .unit(p.unit ?? 'short')
    .datasource(DS_VAR_REF)
    .thresholds(thresholds(p.thresholds))
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']))
    .colorMode(common.BigValueColorMode.Value)
    .graphMode(common.BigValueGraphMode.Area)
    .span(p.width ?? 6)
    .height(p.height ?? 4);
  if (p.description) b.description(p.description);
  if (p.min !== undefined) b.min(p.min);
  if (p.max !== undefined) b.max(p.max);
  for (const q of p.queries) b.withTarget(query({ ...q, instant: q.instant ?? true }));
  return b;
}

export function row(title: string): dashboard.RowBuilder {
  return new dashboard.RowBuilder(title);
}

export interface DashboardProps {
  uid: string;
  title: string;
  tags?: string[];
  /** Query variables over label values, e.g. `{ name: 'instance', query: 'label_values(up{job="x"}, instance)' }`. */
  variables?: { name: string; label?: string; query: string; multi?: boolean; includeAll?: boolean }[];
  /** Default datasource uid for the `$datasource` variable. */
  datasourceUid: string;
  /** Links to other dashboards by tag. */
  linkTags?: string[];
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
  if (p.linkTags?.length) {
    b.link(new dashboard.DashboardLinkBuilder('Related').type(dashboard.DashboardLinkType.Dashboards).tags(p.linkTags).asDropdown(true).includeVars(false).keepTime(true));
  }
  return b;
}
