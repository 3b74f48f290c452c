/**
 * The dashboard of a mixin (haproxy, nginx, kubernetes, gpu, loki, log shipper, probes):
 * rows of panels described as data, built with panels.ts and finalized with stable ids,
 * so alerts can link to the panel that shows their signal.
 */
import type { DatasourceRef } from '../core/component.ts';
import type { DashboardFile } from '../core/model.ts';
import { finalizeDashboard, panelIdsByTitle } from './finalize.ts';
import { dashboardBuilder, row, statPanel, tablePanel, timeseriesPanel, type QueryProps, type ThresholdStep, type VariableProps } from './panels.ts';

export interface BoardPanel {
  title: string;
  kind: 'stat' | 'timeseries' | 'table';
  unit?: string;
  description?: string;
  queries: QueryProps[];
  thresholds?: ThresholdStep[];
  width?: number;
  min?: number;
  max?: number;
}

export interface MixinBoardProps {
  uid: string;
  title: string;
  /** Tags besides the stack name. */
  tags: string[];
  stack: string;
  folder: string;
  datasource: DatasourceRef;
  variables?: VariableProps[];
  rows: { title: string; panels: BoardPanel[] }[];
  source: string;
}

export function mixinBoard(p: MixinBoardProps): { file: DashboardFile; panelIds: Map<string, number> } {
  const b = dashboardBuilder({
    uid: p.uid,
    title: p.title,
    tags: [p.stack, ...p.tags],
    datasourceUid: p.datasource.uid,
    variables: p.variables ?? [],
    linkTags: [p.stack],
  });
  for (const r of p.rows) {
    b.withRow(row(r.title));
    for (const panel of r.panels) {
      const common = {
        title: panel.title,
        unit: panel.unit,
        queries: panel.queries,
        thresholds: panel.thresholds,
        ...(panel.description ? { description: panel.description } : {}),
        ...(panel.width ? { width: panel.width } : {}),
        ...(panel.min !== undefined ? { min: panel.min } : {}),
        ...(panel.max !== undefined ? { max: panel.max } : {}),
      };
      if (panel.kind === 'stat') b.withPanel(statPanel(common));
      else if (panel.kind === 'table') b.withPanel(tablePanel(common));
      else b.withPanel(timeseriesPanel(common));
    }
  }
  const model = finalizeDashboard(b.build(), p.datasource);
  return { file: { uid: p.uid, title: p.title, folder: p.folder, model, source: p.source }, panelIds: panelIdsByTitle(model) };
}
