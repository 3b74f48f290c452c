import { describe, expect, it } from 'vitest';
import { dashboard, stat, synth, timeseries, trySynth } from 'obsgen';
import { shopStack } from './fixtures.ts';

type Json = Record<string, any>;
const byUid = (uid: string, b = synth(shopStack())) => b.dashboards.find((d) => d.uid === uid)!;

describe('user dashboards', () => {
  it('build rows, panels and a collapsed row with the same helpers, in the stack folder', () => {
    const d = byUid('shop-business');
    const m = d.model as Json;
    expect(d.folder).toBe('shop');
    expect(m.tags).toEqual(['shop', 'business', 'obsgen']);
    expect(m.panels.map((p: Json) => [p.id, p.type, p.title])).toEqual([
      [1, 'row', 'Orders'],
      [2, 'timeseries', 'Orders/s'],
      [3, 'stat', 'Checkout requests/s'],
      [4, 'stat', 'Orders today'],
      [5, 'row', 'Workers'],
      [7, 'text', 'About'],
    ]);
    const workers = m.panels[4];
    expect(workers.collapsed).toBe(true);
    expect(workers.panels.map((p: Json) => [p.id, p.type, p.targets[0].format, p.targets[0].instant])).toEqual([[6, 'table', 'table', true]]);
    expect(m.panels[1].targets[0]).toMatchObject({ refId: 'A', legendFormat: '{{job}}', datasource: { type: 'prometheus', uid: '${datasource}' } });
    expect(m.panels[2].fieldConfig.defaults.thresholds.steps).toEqual([{ value: null, color: 'green' }, { value: 100, color: 'orange' }]);
    expect(m.panels[5].datasource).toBeUndefined();
  });

  it('add the job and instance variables panels use, after $datasource', () => {
    const vars = (byUid('shop-business').model as Json).templating.list.map((v: Json) => [v.name, v.type, v.query]);
    expect(vars).toEqual([
      ['datasource', 'datasource', 'prometheus'],
      ['job', 'query', 'label_values(up, job)'],
      ['instance', 'query', 'label_values(up{job=~"$job"}, instance)'],
    ]);
  });

  it('default the uid from the stack and title, and take a folder', () => {
    const b = synth(shopStack({ dashboards: [dashboard({ title: 'Capacity Planning!', folder: 'Capacity', panels: [stat({ title: 'Up', query: 'sum(up)' })] })] }));
    const d = b.dashboards.find((x) => x.title === 'Capacity Planning!')!;
    expect(d.uid).toBe('shop-capacity-planning');
    expect(d.folder).toBe('Capacity');
  });

  it('replace a generated dashboard in place with replace: true', () => {
    const r = trySynth(
      shopStack({
        dashboards: [dashboard({ uid: 'shop-overview', title: 'Shop home', replace: true, panels: [stat({ title: 'Up', query: 'sum(up)' })] })],
      }),
    );
    expect(r.diagnostics.errors).toEqual([]);
    expect(r.bundle!.dashboards.map((d) => [d.uid, d.title])).toEqual([
      ['shop-overview', 'Shop home'],
      ['shop-svc-checkout', 'checkout / Service'],
    ]);
  });

  it('say which uids exist when a user uid collides, replaces nothing, or drops nothing', () => {
    const clash = trySynth(shopStack({ dashboards: [dashboard({ uid: 'shop-svc-checkout', title: 'Mine', panels: [stat({ title: 'Up', query: 'sum(up)' })] })] }));
    expect(clash.diagnostics.errors.map((e) => [e.path, e.code])).toEqual([['dashboards[0].uid', 'duplicate-dashboard']]);
    expect(clash.diagnostics.errors[0]!.hint).toContain('replace: true');
    const none = trySynth(shopStack({ dashboards: [dashboard({ uid: 'nope', title: 'Mine', replace: true, panels: [stat({ title: 'Up', query: 'sum(up)' })] })] }));
    expect(none.diagnostics.errors.map((e) => [e.path, e.code])).toEqual([['dashboards[0].replace', 'nothing-to-replace']]);
    const drop = trySynth(shopStack({ dropDashboards: ['shop-nope'] }));
    expect(drop.diagnostics.errors.map((e) => [e.path, e.code, e.value])).toEqual([['dropDashboards[0]', 'unknown-dashboard', 'shop-nope']]);
    expect(drop.diagnostics.errors[0]!.hint).toBe('generated uids: shop-svc-checkout, shop-overview');
  });

  it('drop generated dashboards by uid; the overview links only what is left', () => {
    const b = synth(shopStack({ dropDashboards: ['shop-overview'] }));
    expect(b.dashboards.map((d) => d.uid)).toEqual(['shop-svc-checkout', 'shop-business']);
    const keep = synth(shopStack());
    const ov = byUid('shop-overview', keep).model as Json;
    expect(ov.links.filter((l: Json) => l.type === 'link').map((l: Json) => [l.title, l.url])).toEqual([
      ['checkout / Service', '/d/shop-svc-checkout'],
      ['Shop / Business', '/d/shop-business'],
    ]);
    const textPanel = ov.panels.find((p: Json) => p.type === 'text');
    expect(textPanel.options.content).toBe('- [Shop / Business](/d/shop-business)\n- [checkout / Service](/d/shop-svc-checkout)');
    // Dropping the service dashboard breaks its alerts' dashboard_url: an error, not a dead link.
    const broken = trySynth(shopStack({ dropDashboards: ['shop-svc-checkout'] }));
    expect(broken.diagnostics.errors.map((e) => e.code)).toEqual(['broken-dashboard-url', 'broken-dashboard-url']);
  });

  it('report schema errors with their path, all at once', () => {
    const r = trySynth(
      shopStack({
        dashboards: [
          dashboard({ uid: 'bad uid', title: 'X', panels: [timeseries({ title: 'a' }), timeseries({ title: 'b', query: 'up', width: 30 })] }),
        ],
      }),
    );
    expect(r.bundle).toBeUndefined();
    expect(r.diagnostics.errors.map((e) => e.path).sort()).toEqual(['dashboards[0].panels[0]', 'dashboards[0].panels[1].width', 'dashboards[0].uid']);
  });

  it('overview shows alerts by severity from ALERTS and targets per job', () => {
    const ov = byUid('shop-overview').model as Json;
    const exprs = (title: string) => {
      const all: Json[] = [];
      const visit = (ps: Json[]) => ps.forEach((p) => (all.push(p), visit(p.panels ?? [])));
      visit(ov.panels);
      return all.find((p) => p.title === title)!.targets.map((t: Json) => t.expr);
    };
    expect(exprs('Critical alerts')).toEqual(['count(ALERTS{alertstate="firing",severity="critical"}) or vector(0)']);
    expect(exprs('Alerts firing by severity')).toEqual(['sum by (severity) (ALERTS{alertstate="firing"})']);
    expect(exprs('Targets up per job')).toEqual(['sum by (job) (up{job=~"$job"})']);
    expect(exprs('Targets down per job')).toEqual(['count by (job) (up{job=~"$job"} == 0)']);
    expect(ov.uid).toBe('shop-overview');
  });
});

describe('service dashboard SLO status', () => {
  it('shows each SLO of an httpService with its period error ratio and a link to its dashboard', async () => {
    const { synth, defineStack, httpService } = await import('obsgen');
    const bundle = synth(
      defineStack({
        name: 'slostatus',
        services: [httpService({ name: 'api', targets: ['api:8000'], slos: [{ name: 'availability', objective: 99.9, sli: { errorRatio: {} } }] })],
      }),
    );
    const svc = bundle.dashboards.find((d) => d.uid === 'slostatus-svc-api')!;
    const text = JSON.stringify(svc.model);
    expect(text).toContain('slo:sli_error:ratio_rate30d{service=\\"api\\",slo=\\"availability\\"}');
    expect(text).toContain('/d/slostatus-slo-api-availability');
  });
});
