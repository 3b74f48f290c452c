/**
 * Pre-5.0 dashboards keep panels in `rows: [{ title, height, panels: [{ span }] }]`; Grafana
 * converts them to the grid on load (public/app/features/dashboard/state/DashboardMigrator.ts,
 * upgradeToGridLayout). The same conversion here, so both the modelled and the raw import see
 * a grid: span (of 12) becomes width (of 24), the row height in pixels becomes grid units.
 */
type Json = Record<string, unknown>;

const GRID_CELL_HEIGHT = 30;
const GRID_CELL_VMARGIN = 8;
const MIN_PANEL_HEIGHT = GRID_CELL_HEIGHT * 3;

function gridHeight(height: unknown): number {
  let px = typeof height === 'number' ? height : typeof height === 'string' ? parseInt(height.replace('px', ''), 10) : 250;
  if (!Number.isFinite(px)) px = 250;
  if (px < MIN_PANEL_HEIGHT) px = MIN_PANEL_HEIGHT;
  return Math.ceil(px / (GRID_CELL_HEIGHT + GRID_CELL_VMARGIN));
}

/** A copy of the model with `rows` turned into grid panels (row panels where Grafana adds them). */
export function upgradeRows(model: Json): Json {
  if (!Array.isArray(model.rows)) return model;
  const rows = model.rows as Json[];
  const out: Json = { ...model };
  delete out.rows;
  const panels: Json[] = [];
  const showRows = rows.length > 1 || rows.some((r) => r.showTitle === true);
  let y = 0;
  for (const row of rows) {
    const h = gridHeight(row.height);
    const children: Json[] = [];
    let rowPanel: Json | undefined;
    if (showRows) {
      rowPanel = { type: 'row', title: typeof row.title === 'string' ? row.title : '', collapsed: row.collapse === true, panels: [], gridPos: { x: 0, y, w: 24, h: 1 } };
      if (row.repeat) rowPanel.repeat = row.repeat;
      panels.push(rowPanel);
      y += 1;
    }
    let x = 0;
    let lineH = 0;
    for (const p of (row.panels as Json[] | undefined) ?? []) {
      const w = Math.max(1, Math.min(24, Math.round(((typeof p.span === 'number' ? p.span : 12) / 12) * 24)));
      const ph = p.height !== undefined ? gridHeight(p.height) : h;
      if (x + w > 24) {
        x = 0;
        y += lineH;
        lineH = 0;
      }
      const panel: Json = { ...p, gridPos: { x, y, w, h: ph } };
      delete panel.span;
      delete panel.height;
      children.push(panel);
      x += w;
      lineH = Math.max(lineH, ph);
    }
    y += lineH;
    if (rowPanel && rowPanel.collapsed) rowPanel.panels = children;
    else panels.push(...children);
  }
  out.panels = [...((model.panels as Json[] | undefined) ?? []), ...panels];
  return out;
}
