/** The targets dashboard: which scrape targets are up, per job, and the share down. */
import type { DatasourceRef } from '../core/component.ts';
import { TARGETS_PANELS } from '../alerts/targets.ts';
import { mixinBoard } from './mixinboard.ts';

export function targetsDashboard(p: { uid: string; selector: string; component: string; stack: string; datasource: DatasourceRef; share?: number; source: string }) {
  const up = `up{${p.selector},job=~"$job"}`;
  return mixinBoard({
    uid: p.uid,
    title: `${p.component} / Targets`,
    tags: ['targets'],
    stack: p.stack,
    folder: p.stack,
    datasource: p.datasource,
    variables: [{ name: 'job', label: 'Job', query: `label_values(up{${p.selector}}, job)` }],
    rows: [
      {
        title: 'Targets',
        panels: [
          { title: 'Targets up', kind: 'stat', unit: 'short', queries: [{ expr: `sum(${up})` }], thresholds: [{ value: 1, color: 'green' }] },
          { title: TARGETS_PANELS.down, kind: 'stat', unit: 'short', queries: [{ expr: `count(${up} == 0) or vector(0)` }], thresholds: [{ value: 1, color: 'red' }] },
          { title: 'Jobs', kind: 'stat', unit: 'short', queries: [{ expr: `count(count by (job) (${up}))` }] },
          { title: 'Slowest scrape', kind: 'stat', unit: 's', queries: [{ expr: `max(scrape_duration_seconds{${p.selector},job=~"$job"})` }] },
          { title: TARGETS_PANELS.jobs, kind: 'timeseries', unit: 'short', min: 0, queries: [{ expr: `sum by (job) (${up})`, legend: '{{job}}' }] },
          {
            title: TARGETS_PANELS.share,
            kind: 'timeseries',
            unit: 'percentunit',
            min: 0,
            max: 1,
            thresholds: p.share !== undefined ? [{ value: p.share, color: 'red' }] : undefined,
            queries: [{ expr: `(count by (job) (${up} == 0) or count by (job) (${up}) * 0) / count by (job) (${up})`, legend: '{{job}}' }],
          },
          { title: 'Down targets', kind: 'table', unit: 'short', queries: [{ expr: `${up} == 0`, instant: true, format: 'table' }], width: 24 },
        ],
      },
    ],
    source: p.source,
  });
}
