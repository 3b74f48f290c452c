import { describe, expect, it } from 'vitest';
import { finalizeDashboard, gridIsValid, panelIdsByTitle, refId } from '../../src/dashboards/finalize.ts';
import { dashboardBuilder, gaugePanel, row, statPanel, tablePanel, textPanel, timeseriesPanel } from '../../src/dashboards/panels.ts';

const ds = { type: 'prometheus' as const, uid: 'prometheus' };
type Json = Record<string, any>;

describe('finalizeDashboard', () => {
  it('numbers panels 1..n with rows and collapsed children, and gives refIds A, B, ...', () => {
    const collapsed = row('Details').withPanel(statPanel({ title: 'c', queries: [{ expr: 'up' }] }));
    const m = finalizeDashboard(
      dashboardBuilder({ uid: 'u', title: 't', datasourceUid: 'prometheus' })
        .withRow(row('A'))
        .withPanel(timeseriesPanel({ title: 'a', queries: [{ expr: 'up' }, { expr: 'up' }, { expr: 'up' }] }))
        .withRow(collapsed)
        .withPanel(textPanel({ title: 'note', content: 'hi' }))
        .build(),
      ds,
    ) as Json;
    expect(m.panels.map((p: Json) => p.id)).toEqual([1, 2, 3, 5]);
    expect(m.panels[2].panels[0].id).toBe(4);
    expect(m.panels[1].targets.map((t: Json) => t.refId)).toEqual(['A', 'B', 'C']);
    expect(m.panels[3].datasource).toBeUndefined();
    expect([0, 25, 26, 701, 702].map(refId)).toEqual(['A', 'Z', 'AA', 'ZZ', 'AAA']);
    expect(panelIdsByTitle(m).get('c')).toBe(4);
  });

  it('wraps a panel the SDK would let run past column 24, keeping valid layouts as they are', () => {
    const b = dashboardBuilder({ uid: 'u', title: 't', datasourceUid: 'prometheus' })
      .withPanel(timeseriesPanel({ title: 'wide', queries: [{ expr: 'up' }], width: 18 }))
      .withPanel(tablePanel({ title: 'next', queries: [{ expr: 'up' }], width: 12 }))
      .withPanel(gaugePanel({ title: 'g', queries: [{ expr: 'up' }], width: 6, min: 0, max: 1, unit: 'percentunit' }));
    const raw = JSON.parse(JSON.stringify(b.build())) as Json;
    expect(raw.panels[1].gridPos).toMatchObject({ x: 18, w: 12 });
    expect(gridIsValid(raw.panels)).toBe(false);
    const m = finalizeDashboard(b.build(), ds) as Json;
    expect(m.panels.map((p: Json) => p.gridPos)).toEqual([
      { x: 0, y: 0, w: 18, h: 8 },
      { x: 0, y: 8, w: 12, h: 8 },
      { x: 12, y: 8, w: 6, h: 6 },
    ]);
    expect(gridIsValid(m.panels)).toBe(true);
  });

  it('gives every helper panel a unit, thresholds with a base step, and the $datasource', () => {
    for (const p of [
      timeseriesPanel({ title: 'a', queries: [{ expr: 'up' }] }),
      statPanel({ title: 'b', queries: [{ expr: 'up' }], baseColor: 'red', thresholds: [{ value: 1, color: 'green' }] }),
      gaugePanel({ title: 'c', queries: [{ expr: 'up' }] }),
      tablePanel({ title: 'd', queries: [{ expr: 'up' }] }),
    ]) {
      const j = JSON.parse(JSON.stringify(p.build())) as Json;
      expect(j.fieldConfig.defaults.unit).toBe('short');
      expect(j.fieldConfig.defaults.thresholds.steps[0].value).toBeNull();
      expect(j.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
    }
    const t = JSON.parse(JSON.stringify(tablePanel({ title: 'd', queries: [{ expr: 'up' }] }).build())) as Json;
    expect(t.targets[0]).toMatchObject({ instant: true, format: 'table' });
  });
});
