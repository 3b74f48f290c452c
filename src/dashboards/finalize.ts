/**
 * Turns a dashboard built with the foundation SDK into provisioning-ready JSON: a
 * plain-data copy (build() returns live objects), panel ids 1..n including rows and
 * collapsed-row children, refIds A, B, ... per panel, and every query and panel
 * pointed at the provisioned datasource. The SDK does none of this itself.
 */
import type { DatasourceRef } from '../core/component.ts';

type Json = Record<string, unknown>;

function refId(i: number): string {
  let s = '';
  let n = i;
  do {
    s = String.fromCharCode(65 + (n % 26)) + s;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return s;
}

export function finalizeDashboard(built: unknown, datasource: DatasourceRef | string): Json {
  const model = JSON.parse(JSON.stringify(built)) as Json;
  let nextId = 1;
  const visit = (panel: Json): void => {
    panel.id = nextId++;
    if (panel.type !== 'row') {
      if (!panel.datasource) panel.datasource = typeof datasource === 'string' ? { type: 'prometheus', uid: datasource } : { ...datasource };
      const targets = (panel.targets as Json[] | undefined) ?? [];
      targets.forEach((t, i) => {
        t.refId = refId(i);
        if (!t.datasource) t.datasource = panel.datasource;
      });
    }
    for (const child of (panel.panels as Json[] | undefined) ?? []) visit(child);
  };
  for (const panel of (model.panels as Json[] | undefined) ?? []) visit(panel);
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
