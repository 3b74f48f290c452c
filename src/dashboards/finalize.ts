/**
 * Turns a dashboard built with the foundation SDK into provisioning-ready JSON: a
 * plain-data copy (build() returns live objects), panel ids 1..n including rows and
 * collapsed-row children, refIds A, B, ... per panel, every query and panel pointed at
 * the provisioned datasource, and a valid grid (the SDK lets a panel run past column 24).
 * The SDK does none of this itself.
 */
import type { DatasourceRef } from '../core/component.ts';

type Json = Record<string, unknown>;

export const GRID_COLUMNS = 24;

export interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}

export function refId(i: number): string {
  let s = '';
  let n = i;
  do {
    s = String.fromCharCode(65 + (n % 26)) + s;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return s;
}

function gridOf(panel: Json): GridPos | undefined {
  const g = panel.gridPos as Partial<GridPos> | undefined;
  if (!g || typeof g.w !== 'number' || typeof g.h !== 'number') return undefined;
  return { x: g.x ?? 0, y: g.y ?? 0, w: g.w, h: g.h };
}

export function overlaps(a: GridPos, b: GridPos): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/** True when every panel sits inside the 24 columns and no two overlap. */
export function gridIsValid(panels: Json[]): boolean {
  const boxes: GridPos[] = [];
  for (const p of panels) {
    const g = gridOf(p);
    if (!g || g.x < 0 || g.y < 0 || g.w < 1 || g.h < 1 || g.x + g.w > GRID_COLUMNS) return false;
    if (boxes.some((b) => overlaps(b, g))) return false;
    boxes.push(g);
  }
  for (const p of panels) if (p.type === 'row' && Array.isArray(p.panels) && p.panels.length && !gridIsValid(p.panels as Json[])) return false;
  return true;
}

/**
 * Lays panels out left to right in the 24-column grid, in order, wrapping a panel that
 * would run past the last column; rows take a full line. Collapsed rows' children are
 * laid out below their row as Grafana shows them when the row is expanded.
 */
export function reflowGrid(panels: Json[]): void {
  let x = 0;
  let y = 0;
  let lineH = 0;
  const place = (p: Json, cursor: { x: number; y: number; lineH: number }) => {
    const g = gridOf(p) ?? { x: 0, y: 0, w: 12, h: 8 };
    const w = Math.min(Math.max(1, Math.round(g.w)), GRID_COLUMNS);
    const h = Math.max(1, Math.round(g.h));
    if (cursor.x + w > GRID_COLUMNS) {
      cursor.x = 0;
      cursor.y += cursor.lineH;
      cursor.lineH = 0;
    }
    p.gridPos = { x: cursor.x, y: cursor.y, w, h };
    cursor.x += w;
    cursor.lineH = Math.max(cursor.lineH, h);
    if (cursor.x >= GRID_COLUMNS) {
      cursor.x = 0;
      cursor.y += cursor.lineH;
      cursor.lineH = 0;
    }
  };
  for (const p of panels) {
    if (p.type === 'row') {
      y += lineH;
      p.gridPos = { x: 0, y, w: GRID_COLUMNS, h: 1 };
      y += 1;
      x = 0;
      lineH = 0;
      const children = (p.panels as Json[] | undefined) ?? [];
      const c = { x: 0, y, lineH: 0 };
      for (const child of children) place(child, c);
    } else {
      const c = { x, y, lineH };
      place(p, c);
      ({ x, y, lineH } = c);
    }
  }
}

export function finalizeDashboard(built: unknown, datasource: DatasourceRef | string): Json {
  const model = JSON.parse(JSON.stringify(built)) as Json;
  let nextId = 1;
  const visit = (panel: Json): void => {
    panel.id = nextId++;
    const targets = (panel.targets as Json[] | undefined) ?? [];
    if (panel.type !== 'row' && !(panel.type === 'text' && targets.length === 0)) {
      if (!panel.datasource) panel.datasource = typeof datasource === 'string' ? { type: 'prometheus', uid: datasource } : { ...datasource };
      targets.forEach((t, i) => {
        t.refId = refId(i);
        if (!t.datasource) t.datasource = panel.datasource;
      });
    }
    for (const child of (panel.panels as Json[] | undefined) ?? []) visit(child);
  };
  const panels = (model.panels as Json[] | undefined) ?? [];
  if (!gridIsValid(panels)) reflowGrid(panels);
  for (const panel of panels) visit(panel);
  return model;
}

/** Panel ids in the order finalizeDashboard assigns them, by title, so alerts can link to a panel. */
export function panelIdsByTitle(model: Json): Map<string, number> {
  const out = new Map<string, number>();
  const visit = (panel: Json): void => {
    if (typeof panel.title === 'string' && typeof panel.id === 'number' && !out.has(panel.title)) out.set(panel.title, panel.id);
    for (const child of (panel.panels as Json[] | undefined) ?? []) visit(child);
  };
  for (const panel of (model.panels as Json[] | undefined) ?? []) visit(panel);
  return out;
}
