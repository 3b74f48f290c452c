/** `obsgen import grafana`: dashboard({...}) where obsgen models the dashboard, rawDashboard({ model }) where not. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defineStack, synth, trySynth } from 'obsgen';
import { grafanaToTypeScript, importGrafana } from '../../src/import/grafana.ts';
import { loadPrinted } from './load.ts';

const fixtures = join(import.meta.dirname, 'fixtures');
const input = (name: string) => ({ file: name, text: readFileSync(join(fixtures, name), 'utf8') });
type Json = Record<string, unknown>;

function panelsOf(model: Json): [string, string, string[]][] {
  const out: [string, string, string[]][] = [];
  const visit = (p: Json) => {
    out.push([String(p.title), String(p.type), ((p.targets as Json[] | undefined) ?? []).map((t) => `${String(t.expr)} | ${String(t.legendFormat)}`)]);
    for (const c of (p.panels as Json[] | undefined) ?? []) visit(c);
  };
  for (const p of (model.panels as Json[]) ?? []) visit(p);
  return out;
}

async function build(files: string[]) {
  const printed = grafanaToTypeScript(files.map(input));
  expect(printed.errors).toEqual([]);
  const dashboards = await loadPrinted<unknown[]>(printed.code, 'dashboards');
  return { printed, result: trySynth(defineStack({ name: 'shop', scrapeJobs: [{ name: 'shop-api', targets: ['localhost:8000'] }], dashboards: dashboards as never })) };
}

describe('obsgen import grafana', () => {
  it('models a dashboard of obsgen panel types: panels, queries, variables, rows and sizes kept', async () => {
    const parsed = importGrafana([input('dashboard-modelled.json')]);
    expect(parsed.dashboards[0]).toMatchObject({ kind: 'dashboard', dropped: ['variable datasource: a datasource choice (the bundle provisions one Prometheus)'] });
    const { result } = await build(['dashboard-modelled.json']);
    expect(result.diagnostics.items.filter((d) => d.severity === 'error')).toEqual([]);
    const board = result.bundle!.dashboards.find((d) => d.uid === 'shop-api')!;
    expect(panelsOf(board.model)).toEqual([
      ['Traffic', 'row', []],
      ['Requests', 'timeseries', ['sum by (code) (rate(shop_requests_total{job=~"$job"}[$__rate_interval])) | {{code}}', 'sum(rate(shop_requests_total{job=~"$job"}[$__rate_interval])) | ']],
      ['Up', 'stat', ['sum(up{job=~"$job"}) | ']],
      ['Details', 'row', []],
      ['Latency p95', 'timeseries', ['histogram_quantile(0.95, sum by (le) (rate(shop_request_duration_seconds_bucket{job=~"$job"}[$__rate_interval]))) | p95']],
      ['About', 'text', []],
    ]);
    const m = board.model as Json;
    const vars = ((m.templating as Json).list as Json[]).filter((v) => v.type === 'query');
    expect(vars.map((v) => [v.name, v.label, v.query, v.multi, v.includeAll])).toEqual([['job', 'Job', 'label_values(up, job)', true, true]]);
    const requests = (m.panels as Json[])[1]!;
    expect(requests.gridPos).toMatchObject({ w: 16, h: 8 });
    expect(((requests.fieldConfig as Json).defaults as Json).unit).toBe('reqps');
    expect(((((requests.fieldConfig as Json).defaults as Json).custom as Json).stacking as Json).mode).toBe('normal');
    expect((m.time as Json).from).toBe('now-1h');
  });

  it('keeps a dashboard with a panel type obsgen does not model as raw JSON, pointed at the provisioned datasource and checked', async () => {
    const parsed = importGrafana([input('dashboard-raw.json')]);
    expect(parsed.dashboards[0]).toMatchObject({ kind: 'raw', why: 'panel "Requests by code" (0) is a piechart panel' });
    const { printed, result } = await build(['dashboard-raw.json']);
    expect(printed.code).toContain("import { rawDashboard } from 'obsgen';");
    expect(result.diagnostics.items.filter((d) => d.severity === 'error')).toEqual([]);
    const board = result.bundle!.dashboards.find((d) => d.uid === 'shop-mix')!;
    const m = board.model as Json;
    expect('__inputs' in m || '__requires' in m).toBe(false);
    expect(m.id).toBeNull();
    const panels = m.panels as Json[];
    expect(panels.map((p) => p.datasource)).toEqual([{ type: 'prometheus', uid: 'prometheus' }, { type: 'prometheus', uid: 'prometheus' }]);
    expect(panelsOf(m)).toEqual([
      ['Requests by code', 'piechart', ['sum by (code) (increase(shop_requests_total[1h])) | {{code}}']],
      ['Errors', 'stat', ['sum(rate(shop_requests_total{code=~"5.."}[5m])) | undefined']],
    ]);
    // obsgen's conventions warn on an imported dashboard (a fixed rate window, no thresholds) instead of failing it.
    const warned = result.diagnostics.items.filter((d) => d.severity === 'warning' && d.path === 'dashboards[0]').map((d) => d.code);
    expect(warned).toEqual(expect.arrayContaining(['rate-interval', 'missing-thresholds']));
  });

  it('still refuses what Grafana would not show: a raw dashboard reading a datasource the bundle lacks', () => {
    const model = JSON.parse(readFileSync(join(fixtures, 'dashboard-raw.json'), 'utf8')) as Json;
    (model.panels as Json[])[1]!.datasource = { type: 'loki', uid: 'logs' };
    const r = trySynth(defineStack({ name: 'shop', scrapeJobs: [{ name: 'api', targets: ['localhost:8000'] }], dashboards: [{ kind: 'raw', model }] }));
    expect(r.bundle).toBeUndefined();
    expect(r.diagnostics.items.map((d) => d.code)).toContain('datasource-unknown');
  });

  it('upgrades the pre-5.0 rows layout as Grafana does on load', async () => {
    const { result } = await build(['dashboard-rows.json']);
    expect(result.diagnostics.items.filter((d) => d.severity === 'error')).toEqual([]);
    const m = result.bundle!.dashboards.find((d) => d.title === 'Old shop')!.model as Json;
    expect((m.panels as Json[]).map((p) => [p.title, p.type, (p.gridPos as Json).w])).toEqual([
      ['Traffic', 'row', 24],
      ['Requests', 'timeseries', 12],
      ['Up', 'stat', 12],
      ['Queue', 'row', 24],
      ['Queue length', 'timeseries', 24],
    ]);
  });

  it('imports every dashboard as raw with --raw, and a whole folder at once', async () => {
    const parsed = importGrafana([input('dashboard-modelled.json'), input('dashboard-rows.json')], { raw: true });
    expect(parsed.dashboards.map((d) => d.kind)).toEqual(['raw', 'raw']);
    expect(importGrafana([{ file: 'x.json', text: '{"title":"x"}' }]).errors).toEqual(['x.json: not a Grafana dashboard (no panels)']);
    expect(() => synth(defineStack({ name: 'x', scrapeJobs: [{ name: 'a', targets: ['localhost:1'] }], dashboards: [{ kind: 'raw', model: { panels: [] } }] }))).toThrow(/dashboards\[0\]\.model.*has no title/s);
  });
});

describe('obsgen import grafana: positions, overrides and transformations', () => {
  const overrides = [{ matcher: { id: 'byName', options: 'errors' }, properties: [{ id: 'color', value: { fixedColor: 'red', mode: 'fixed' } }] }];
  const transformations = [{ id: 'organize', options: { excludeByName: { Time: true }, renameByName: { Value: 'Requests' } } }];
  const q = (expr: string) => [{ expr, legendFormat: '{{instance}}', refId: 'A' }];
  // B and C stack beside a tall A: laid out in order, C would wrap below A.
  const model = {
    title: 'Placed',
    uid: 'placed',
    panels: [
      { type: 'timeseries', title: 'A', gridPos: { x: 0, y: 0, w: 12, h: 16 }, targets: q('sum by (instance) (up)'), fieldConfig: { defaults: {}, overrides } },
      { type: 'stat', title: 'B', gridPos: { x: 12, y: 0, w: 12, h: 8 }, targets: q('count(up)') },
      { type: 'table', title: 'C', gridPos: { x: 12, y: 8, w: 12, h: 8 }, targets: q('up'), transformations },
      { type: 'row', title: 'More', collapsed: false, gridPos: { x: 0, y: 16, w: 24, h: 1 }, panels: [] },
      { type: 'text', title: 'Note', gridPos: { x: 6, y: 17, w: 12, h: 4 }, options: { content: 'hello' } },
    ],
  };

  it('keeps every panel where Grafana had it, with its overrides and transformations, in dashboard({...})', async () => {
    const parsed = importGrafana([{ file: 'placed.json', text: JSON.stringify(model) }]);
    expect(parsed.dashboards[0]).toMatchObject({ kind: 'dashboard', dropped: [] });
    const printed = grafanaToTypeScript([{ file: 'placed.json', text: JSON.stringify(model) }]);
    expect(printed.code).toMatch(/x: 12,\s+y: 8,/);
    const dashboards = await loadPrinted<unknown[]>(printed.code, 'dashboards');
    const result = trySynth(defineStack({ name: 'shop', scrapeJobs: [{ name: 'node', targets: ['localhost:9100'] }], dashboards: dashboards as never }));
    expect(result.diagnostics.items.filter((d) => d.severity === 'error')).toEqual([]);
    const built = result.bundle!.dashboards.find((d) => d.uid === 'placed')!.model as Json;
    const panels = built.panels as Json[];
    expect(panels.map((p) => [p.title, p.gridPos])).toEqual(model.panels.map((p) => [p.title, p.gridPos]));
    expect((panels[0]!.fieldConfig as Json).overrides).toEqual(overrides);
    expect(panels[2]!.transformations).toEqual(transformations);
  });

  it('reports panels a stack places on top of each other', () => {
    const r = trySynth(
      defineStack({
        name: 'shop',
        scrapeJobs: [{ name: 'node', targets: ['localhost:9100'] }],
        dashboards: [{ kind: 'dashboard', title: 'Clash', panels: [{ type: 'stat', title: 'A', query: 'count(up)', x: 0, y: 0, width: 12 }, { type: 'stat', title: 'B', query: 'sum(up)', x: 6, y: 0, width: 12 }] }],
      }),
    );
    expect(r.diagnostics.items.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['grid-overlap']);
  });
});
