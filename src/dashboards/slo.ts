/**
 * The dashboard of one SLO: SLI over time, budget remaining per window, burn rate per
 * alert window against each pair's factor, and the state of its alerts. Grouping labels
 * become variables and split every panel by group.
 */
import type { DatasourceRef } from '../core/component.ts';
import type { DashboardFile } from '../core/model.ts';
import { finalizeDashboard, panelIdsByTitle } from './finalize.ts';
import { dashboardBuilder, row, statPanel, timeseriesPanel } from './panels.ts';

export const SLO_PANELS = {
  sli: 'SLI',
  budget: 'Error budget remaining',
  burnRate: 'Burn rate per alert window',
  alerts: 'Alerts firing',
} as const;

export interface SloDashboardProps {
  uid: string;
  folder: string;
  stack: string;
  service: string;
  slo: string;
  objective: string;
  /** The objective as a ratio, exact (0.999). */
  objectiveRatio: number;
  budget: number;
  window: string;
  reporting: string[];
  alertWindows: { long: string; short: string; factor: number }[];
  groupBy: string[];
  /** The error ratio over a window for the series `sel` selects (recorded for the SLO and reporting windows, summed from the recorded increases for the others). */
  ratio: (window: string, sel: string) => string;
  /** The share of the budget left over a window (not recorded: the ratio and the budget). */
  remaining: (window: string, sel: string) => string;
  datasource: DatasourceRef;
  source: string;
}

export function sloDashboard(p: SloDashboardProps): { file: DashboardFile; panelIds: Map<string, number> } {
  const groupMatchers = p.groupBy.map((g) => `,${g}=~"$${g}"`).join('');
  const sel = `{service="${p.service}",slo="${p.slo}"${groupMatchers}}`;
  const legend = p.groupBy.length ? p.groupBy.map((g) => `{{${g}}}`).join(' ') : p.slo;
  const by = p.groupBy.length ? ` by (${p.groupBy.join(', ')})` : '';
  const objective = p.objectiveRatio;
  const alertWins = [...new Set(p.alertWindows.flatMap((w) => [w.long, w.short]))];
  // Without alerts, the recorded 5m and period ratios still show the burn.
  const windows = alertWins.length ? alertWins : ['5m', p.window];
  const title = `${p.service} / SLO ${p.slo}`;
  const b = dashboardBuilder({
    uid: p.uid,
    title,
    description: `SLO ${p.slo} of ${p.service}: ${p.objective}% over ${p.window}.`,
    tags: [p.stack, 'slo'],
    datasourceUid: p.datasource.uid,
    variables: p.groupBy.map((g) => ({ name: g, query: `label_values(slo:sli_total:increase5m{service="${p.service}",slo="${p.slo}"}, ${g})` })),
    linkTags: [p.stack],
    from: 'now-7d',
  })
    .withRow(row('Budget'))
    .withPanel(
      statPanel({
        title: `SLI over ${p.window}`,
        unit: 'percentunit',
        decimals: 3,
        thresholds: [{ value: objective, color: 'green' }],
        baseColor: 'red',
        queries: [{ expr: `1 - max${by} (${p.ratio(p.window, sel)})`, legend }],
      }),
    )
    .withPanel(
      statPanel({
        title: `Budget left over ${p.window}`,
        unit: 'percentunit',
        thresholds: [{ value: 0, color: 'orange' }, { value: 0.25, color: 'green' }],
        baseColor: 'red',
        queries: [{ expr: `min${by} (${p.remaining(p.window, sel)})`, legend }],
      }),
    )
    .withPanel(
      statPanel({
        title: 'Objective',
        unit: 'percentunit',
        decimals: 3,
        queries: [{ expr: `1 - max(slo:error_budget:ratio{service="${p.service}",slo="${p.slo}"})` }],
      }),
    )
    .withPanel(statPanel({ title: 'Events (5m)', unit: 'short', queries: [{ expr: `sum${by} (slo:sli_total:increase5m${sel})`, legend }] }))
    .withPanel(
      timeseriesPanel({
        title: SLO_PANELS.budget,
        unit: 'percentunit',
        width: 24,
        thresholds: [{ value: 0, color: 'red' }],
        queries: [p.window, ...p.reporting].map((w) => ({ expr: p.remaining(w, sel), legend: p.groupBy.length ? `${w} ${legend}` : w })),
      }),
    )
    .withRow(row('SLI and burn rate'))
    .withPanel(
      timeseriesPanel({
        title: SLO_PANELS.sli,
        description: 'Share of good events per window; the dashed line is the objective.',
        unit: 'percentunit',
        thresholds: [{ value: objective, color: 'red' }],
        queries: ['5m', '1h', p.window].filter((w, i, a) => a.indexOf(w) === i && (w === '5m' || w === p.window || alertWins.includes(w))).map((w) => ({
          expr: `1 - (${p.ratio(w, sel)})`,
          legend: p.groupBy.length ? `${w} ${legend}` : w,
        })),
      }),
    )
    .withPanel(
      timeseriesPanel({
        title: SLO_PANELS.burnRate,
        description: `Error ratio divided by the budget (${p.budget}).${p.alertWindows.length ? ` Pairs fire above: ${p.alertWindows.map((w) => `${w.long}/${w.short} ${w.factor}x`).join(', ')}.` : ''}`,
        unit: 'short',
        thresholds: [...new Set(p.alertWindows.map((w) => w.factor))].sort((a, c) => a - c).map((f) => ({ value: f, color: 'red' })),
        queries: windows.map((w) => ({ expr: `(${p.ratio(w, sel)}) / ${p.budget}`, legend: p.groupBy.length ? `${w} ${legend}` : w })),
      }),
    )
    .withRow(row('Alerts'))
    .withPanel(
      timeseriesPanel({
        title: SLO_PANELS.alerts,
        unit: 'short',
        width: 24,
        queries: [{ expr: `sum by (alertname, long_window, short_window, severity${p.groupBy.map((g) => `, ${g}`).join('')}) (ALERTS{alertstate="firing",service="${p.service}",slo="${p.slo}"${groupMatchers}})`, legend: '{{severity}} {{long_window}}/{{short_window}}' }],
      }),
    );
  const model = finalizeDashboard(b.build(), p.datasource);
  return { file: { uid: p.uid, title, folder: p.folder, model, source: p.source }, panelIds: panelIdsByTitle(model) };
}
