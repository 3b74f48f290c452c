/** The SLO engine's output, unit by unit: rules, alerts, inhibit rules, dashboard, validation. */
import { describe, expect, it } from 'vitest';
import { defineStack, httpService, slo, synth, trySynth, type AlertRule, type RecordingRule } from 'obsgen';
import financialApi from '../../stacks/financial-api.ts';
import { pairFactor } from '../../src/slo/build.ts';
import { Decimal } from '../../src/core/decimal.ts';
import { increaseExpr, increaseWindows, windowRatio } from '../../src/slo/windows.ts';
import { defaultInhibitRules } from '../../src/alertmanager/build.ts';
import { inhibits } from '../../src/alertmanager/inhibit.ts';
import { renderTemplate } from '../../src/core/template.ts';

const H = 3_600_000;

function stackWith(slos: unknown[], extra: Record<string, unknown> = {}) {
  return defineStack({ name: 'slo-test', slos: slos as never, alerting: { receivers: {} }, ...extra });
}

const events = (extra: Record<string, unknown> = {}) =>
  slo({
    service: 'api',
    name: 'availability',
    objective: 99.9,
    sli: { events: { bad: 'http_requests_total{job="api",code=~"5.."}', total: 'http_requests_total{job="api"}' } },
    ...extra,
  } as never);

function rulesOf(bundle: ReturnType<typeof synth>) {
  const all = bundle.ruleGroups.flatMap((g) => g.rules);
  return {
    records: all.filter((r): r is RecordingRule => r.kind === 'record'),
    // The burn-rate alerts; the no-data alert (on by default) apart.
    alerts: all.filter((r): r is AlertRule => r.kind === 'alert' && !r.name.endsWith('SLONoData')),
    noData: all.filter((r): r is AlertRule => r.kind === 'alert' && r.name.endsWith('SLONoData')),
  };
}

function diagnostics(stack: ReturnType<typeof stackWith>) {
  return trySynth(stack).diagnostics.items;
}

describe('burn-rate factors', () => {
  it('derives the Workbook factors from budget share and window, exactly', () => {
    const d = 30 * 24 * H;
    expect(pairFactor(Decimal.from(2), d, H).toString()).toBe('14.4');
    expect(pairFactor(Decimal.from(5), d, 6 * H).toString()).toBe('6');
    expect(pairFactor(Decimal.from(10), d, 24 * H).toString()).toBe('3');
    expect(pairFactor(Decimal.from(10), d, 72 * H).toString()).toBe('1');
    expect(pairFactor(Decimal.from(2), 28 * 24 * H, H).toString()).toBe('13.44');
  });
});

describe('windows', () => {
  it('derives long windows from tails and levels, never from raw counters', () => {
    expect(increaseWindows([5 * 60_000, H, 3 * 24 * H, 30 * 24 * H]).map((w) => w / 60_000)).toEqual([60, 360, 1440, 4320, 43200]);
    expect(increaseExpr('sli_error', H, '{slo="a"}')).toBe(
      'slo:sli_error:increase5m{slo="a"} + avg_over_time(slo:sli_error:increase5m{slo="a"}[55m] offset 2m30s) * 11\nor\nslo:sli_error:increase5m{slo="a"}',
    );
    // The 1d window stands on the recorded 6h window and the 1h level, not on a day of 5m increases.
    expect(increaseWindows([5 * 60_000, 24 * H]).map((w) => w / 60_000)).toEqual([360, 1440]);
    expect(increaseExpr('sli_total', 24 * H, '{}')).toContain('slo:sli_total:increase6h{} + avg_over_time(slo:sli_total:level1h{}[18h] offset 5h27m30s) * 18');
    expect(increaseExpr('sli_total', 6 * H, '{}')).toContain('avg_over_time(slo:sli_total:increase5m{}[5h55m] offset 2m30s) * 71');
    expect(increaseExpr('sli_total', 3 * 24 * H, '{}')).toContain('slo:sli_total:increase1d{} + avg_over_time(slo:sli_total:level1h{}[2d] offset 23h27m30s) * 48');
    expect(increaseExpr('sli_total', 30 * 24 * H, '{}')).toContain('slo:sli_total:increase1d{} + avg_over_time(slo:sli_total:level1d{}[29d] offset 11h27m30s) * 29');
  });
});

describe('an events SLO with the default policy', () => {
  const bundle = synth(stackWith([events({ reportingWindows: ['7d'], owner: 'team-api', description: 'API answers' })]));
  const { records, alerts } = rulesOf(bundle);

  it('reads the raw counters over 5m, the page\'s 30m short window and 6h only, in its own group', () => {
    const raw = records.filter((r) => r.expr.includes('http_requests_total'));
    expect(raw.map((r) => r.name)).toEqual(['5m', '30m', '6h'].flatMap((w) => [`slo:sli_total:increase${w}`, `slo:sli_error:increase${w}`]));
    expect(raw[0]!.expr).toBe('sum(increase(http_requests_total{job="api"}[5m]))');
    expect(raw[2]!.expr).toBe('sum(increase(http_requests_total{job="api"}[30m]))');
    expect(raw[4]!.expr).toBe('sum(increase(http_requests_total{job="api"}[6h]))');
    // No 5xx yet gives 0 errors where there is a total: both sides have the same samples.
    expect(raw[1]!.expr).toContain('or on ()\n0 * slo:sli_total:increase5m{service="api",slo="availability"}');
    expect(raw[5]!.expr).toBe('sum(increase(http_requests_total{job="api",code=~"5.."}[6h]))\nor on ()\n0 * slo:sli_total:increase6h{service="api",slo="availability"}');
    const own = bundle.ruleGroups.find((g) => g.name === 'slo-api-availability')!.rules;
    // The reads carry the SLO's labels; nothing else is recorded there.
    for (const r of own) if (r.kind === 'record') expect(r.labels).toMatchObject({ service: 'api', slo: 'availability' });
    expect(own.filter((r) => r.kind === 'record')).toEqual(raw);
    // Everything else reads recorded series only, in groups every SLO of the stack shares.
    for (const g of bundle.ruleGroups.filter((x) => x.name !== 'slo-api-availability')) {
      expect(g.shared).toBe(true);
      for (const r of g.rules) expect(r.expr).not.toContain('http_requests_total');
    }
  });

  it('records only the SLO and reporting windows\' ratios; the others are summed where they are read', () => {
    const ratios = records.filter((r) => r.name.startsWith('slo:sli_error:ratio_rate')).map((r) => r.name);
    expect(ratios).toEqual(['30d', '7d'].map((w) => `slo:sli_error:ratio_rate${w}`));
    expect(records.filter((r) => r.name.includes('increase1d') || r.name.includes('remaining') || r.name.includes('sli_events'))).toEqual([]);
    // 30d: the 1d tail (the raw 6h read and 18h of the 1h level) and 29 days of the 1d level, guarded against zero traffic.
    const r30d = records.find((r) => r.name === 'slo:sli_error:ratio_rate30d')!.expr;
    expect(r30d).toContain('(slo:sli_error:increase6h + avg_over_time(slo:sli_error:level1h[18h] offset 5h27m30s) * 18 or slo:sli_error:increase6h) + avg_over_time(slo:sli_error:level1d[29d] offset 11h27m30s) * 29');
    expect(r30d).toMatch(/ > 0\)$/);
    const s = '{service="api",slo="availability"}';
    expect(windowRatio(H, s, [5 * 60_000, 30 * 60_000, 6 * H])).toBe(
      `(slo:sli_error:increase5m${s} + avg_over_time(slo:sli_error:increase5m${s}[55m] offset 2m30s) * 11 or slo:sli_error:increase5m${s}) / ((slo:sli_total:increase5m${s} + avg_over_time(slo:sli_total:increase5m${s}[55m] offset 2m30s) * 11 or slo:sli_total:increase5m${s}) > 0)`,
    );
    // The page's short window is read raw: it clears when rate() over 30m does.
    expect(windowRatio(30 * 60_000, s, [5 * 60_000, 30 * 60_000, 6 * H])).toBe(`slo:sli_error:increase30m${s} / (slo:sli_total:increase30m${s} > 0)`);
  });

  it('records budget, objective and metadata with exact numbers', () => {
    const expr = (n: string) => records.find((r) => r.name === n)!.expr;
    expect(expr('slo:error_budget:ratio')).toBe('vector(0.001)');
    // The budget series says which shared pair rules cover the SLO, and its objective.
    expect(records.find((r) => r.name === 'slo:error_budget:ratio')!.labels).toEqual({ service: 'api', slo: 'availability', objective: '99.9', burn_policy: 'workbook-30d' });
    const info = records.find((r) => r.name === 'obsgen_slo_info')!;
    expect(info.labels).toEqual({
      service: 'api',
      slo: 'availability',
      objective: '99.9',
      window: '30d',
      sli: 'events',
      owner: 'team-api',
      description: 'API answers',
      dashboard_url: expect.stringMatching(/^http:\/\/localhost:3000\/d\/slo-test-slo-api-availability\?viewPanel=\d+$/),
    });
  });

  it('puts the 1h and 1d levels and the budgets in shared groups with longer intervals', () => {
    const groups = bundle.ruleGroups.map((g) => [g.name, g.interval ?? '']);
    expect(groups).toEqual([
      ['slo-api-availability', ''],
      ['slo-level-1h', '5m'],
      ['slo-level-1d', '1h'],
      ['slo-budget', '1m'],
      ['slo-alerts', ''],
    ]);
  });

  it('keeps one copy of the shared rules for many SLOs', () => {
    const two = synth(stackWith([events(), events({ name: 'other', objective: 99 })]));
    const levels = two.ruleGroups.find((g) => g.name === 'slo-level-1h')!;
    expect(levels.rules.length).toBe(bundle.ruleGroups.find((g) => g.name === 'slo-level-1h')!.rules.length);
    const budget = two.ruleGroups.find((g) => g.name === 'slo-budget')!.rules.filter((r) => r.name === 'slo:error_budget:ratio');
    expect(budget.map((r) => r.expr)).toEqual(['vector(0.001)', 'vector(0.01)']);
    expect(two.ruleGroups.find((g) => g.name === 'slo-alerts')!.rules).toHaveLength(4);
  });

  it('has one alert per Workbook pair with stable labels and no for:', () => {
    expect(alerts.map((a) => [a.labels.long_window, a.labels.short_window, a.labels.severity])).toEqual([
      ['1h', '5m', 'critical'],
      ['6h', '30m', 'critical'],
      ['1d', '2h', 'warning'],
      ['3d', '6h', 'warning'],
    ]);
    for (const a of alerts) {
      expect(a.name).toBe('SLOBudgetBurn');
      expect(a.for).toBeUndefined();
      // service and slo come from the series: one rule serves every SLO of the policy.
      expect(a.labels).toMatchObject({ burn_policy: 'workbook-30d' });
      expect(a.labels.service).toBeUndefined();
      expect(a.seriesLabels).toEqual(['service', 'slo', 'objective']);
      expect(a.annotations.runbook_url).toBe('http://localhost/runbooks/SLOBudgetBurn.md');
      // Static: the link is written from the alert's labels, the objective comes with the budget series.
      expect(a.annotations.dashboard_url).toMatch(/^http:\/\/localhost:3000\/d\/slo-test-slo-\{\{ \$labels\.service \}\}-\{\{ \$labels\.slo \}\}\?viewPanel=\d+$/);
      expect(a.annotations.description).toContain('{{ $labels.service }} SLO {{ $labels.slo }} ({{ $labels.objective }}% over 30d)');
      expect(a.annotations.burn_rate).toBe('{{ $value | printf "%.2f" }}');
      // The one query left, guarded: before the budget series exists its result is empty, and `first` would print an error.
      expect(a.annotations.remaining_budget).toBe(
        '{{ with printf `1 - slo:sli_error:ratio_rate30d{service="%s",slo="%s"} / on (service, slo) group_left () slo:error_budget:ratio` $labels.service $labels.slo | query }}{{ . | first | value | humanizePercentage }}{{ else }}not known yet (no budget series){{ end }}',
      );
      for (const v of Object.values(a.annotations)) expect(v).not.toContain('obsgen_slo_info');
      expect(Object.values(a.annotations).join('\n').match(/\| query/g)).toHaveLength(2);
    }
    expect(alerts[0]!.expr).toBe(
      `(${windowRatio(H, '', [5 * 60_000, 30 * 60_000, 6 * H])}) / on (service, slo) group_left (objective) slo:error_budget:ratio{burn_policy="workbook-30d"} > 14.4\nand\n(slo:sli_error:increase5m / (slo:sli_total:increase5m > 0)) / on (service, slo) group_left (objective) slo:error_budget:ratio{burn_policy="workbook-30d"} > 14.4`,
    );
    expect(alerts[3]!.expr).toMatch(/level1h\[2d\] offset 23h27m30s\).* > 1\nand\n\(slo:sli_error:increase6h \/ \(slo:sli_total:increase6h > 0\)\)/);
  });

  it('links every SLO of a shared rule to its own dashboard without a query, a hashed uid by a case of its own', () => {
    const long = 'a-service-with-a-rather-long-name';
    const b = synth(stackWith([events(), events({ service: long })]));
    const [page] = b.ruleGroups.find((g) => g.name === 'slo-alerts')!.rules as AlertRule[];
    const uids = b.dashboards.map((d) => d.uid);
    expect(uids).toContain('slo-test-slo-api-availability');
    const hashed = uids.find((u) => u.startsWith('slo-test-slo-a-service') && u !== `slo-test-slo-${long}-availability`)!;
    expect(hashed).toMatch(/^slo-test-slo-a-service-with-a-r-[0-9a-f]{8}$/);
    const link = page!.annotations.dashboard_url!;
    expect(link).not.toContain('query');
    const render = (service: string) => renderTemplate(link, { labels: { service, slo: 'availability' }, value: 1 });
    expect(render('api')).toMatch(/\/d\/slo-test-slo-api-availability\?viewPanel=\d+$/);
    expect(render(long)).toMatch(new RegExp(`/d/${hashed}\\?viewPanel=\\d+$`));
  });

  it('shares the four pair rules among SLOs of one policy, and tests them from each SLO\'s file', () => {
    const many = synth(stackWith([events(), events({ name: 'other', objective: 99 }), events({ name: 'monthly', window: '28d' })]));
    const shared = many.ruleGroups.find((g) => g.name === 'slo-alerts')!.rules as AlertRule[];
    // 30d twice -> one set of four; 28d has other factors -> its own four.
    expect(shared.map((a) => `${a.labels.burn_policy} ${a.labels.long_window}`)).toEqual([
      ...['1h', '6h', '1d', '3d'].map((w) => `workbook-30d ${w}`),
      ...['1h', '6h', '1d', '3d'].map((w) => `workbook-28d ${w}`),
    ]);
    expect(shared[4]!.expr).toContain('> 13.44');
    // Each SLO's scenarios stay with it: run from its own group's test file.
    const homes = new Set(shared.flatMap((a) => a.tests.map((t) => t.home)));
    expect([...homes].sort()).toEqual(['slo-api-availability', 'slo-api-monthly', 'slo-api-other']);
    expect(many.inhibitRules.filter((r) => r.sourceMatchers.some((m) => m.value === 'SLOBudgetBurn'))).toHaveLength(2);
  });

  it('gives an SLO its own pair rules when asked to, or when they carry its own name, labels or guard', () => {
    for (const alerting of [{ shared: false }, { name: 'ApiDown' }, { labels: { team: 'a' } }, { minEvents: 10 }]) {
      const own = rulesOf(synth(stackWith([events({ alerting })]))).alerts;
      expect(own, JSON.stringify(alerting)).toHaveLength(4);
      expect(own[0]!.name).toBe(alerting.name ?? 'ApiAvailabilityBudgetBurn');
      expect(own[0]!.labels).toMatchObject({ service: 'api', slo: 'availability' });
      expect(own[0]!.labels.burn_policy).toBeUndefined();
    }
    const [a] = rulesOf(synth(stackWith([events({ alerting: { shared: false } })]))).alerts;
    const s = '{service="api",slo="availability"}';
    expect(a!.expr).toBe(`(${windowRatio(H, s, [5 * 60_000, 30 * 60_000, 6 * H])}) / 0.001 > 14.4\nand on ()\n(slo:sli_error:increase5m${s} / (slo:sli_total:increase5m${s} > 0)) / 0.001 > 14.4`);
    expect(a!.annotations.runbook_url).toBe('http://localhost/runbooks/ApiAvailabilityBudgetBurn.md');
    expect(a!.annotations.remaining_budget).toBe(
      '{{ with query `1 - slo:sli_error:ratio_rate30d{service="api",slo="availability"} / on (service, slo) group_left () slo:error_budget:ratio` }}{{ . | first | value | humanizePercentage }}{{ else }}not known yet (no budget series){{ end }}',
    );
  });

  it('generates fire, quiet, outage, zero-traffic and detection scenarios', () => {
    const names = alerts.flatMap((a) => a.tests.map((t) => t.name));
    expect(names).toContain('1h/5m: a burn at 0.9x its factor 14.4 does not fire it');
    expect(names).toContain('3d/6h: a burn at 1.1x its factor fires it');
    expect(names).toContain('a total outage fires every pair');
    expect(names).toContain('zero traffic fires nothing');
    const outage = alerts[0]!.tests.find((t) => t.name === 'a total outage fires every pair')!;
    expect(outage.checks[0]!.firing).toHaveLength(4);
    expect(outage.checks[0]!.firing[0]!.value).toBe(1 / 0.001);
    const carrier = records[0]!;
    const detection = (carrier.tests ?? []).map((t) => t.name);
    expect(detection).toEqual([
      'zero traffic records no ratio and no budget (no NaN)',
      '1h/5m: a total outage after 1h of health fires within one evaluation of the exact windows (1m in) and resets within one evaluation of them (5m after recovery)',
      '6h/30m: a total outage after 6h of health fires within one evaluation of the exact windows (3m in) and resets within one evaluation of them (30m after recovery)',
    ]);
  });

  it('has inhibit rules: a page silences the slower tiers of the same SLO', () => {
    const slo = bundle.inhibitRules.filter((r) => r.sourceMatchers.some((m) => m.value === 'SLOBudgetBurn'));
    expect(slo.map((r) => [r.sourceMatchers.find((m) => m.name === 'long_window')!.value, r.targetMatchers.find((m) => m.name === 'long_window')!.value])).toEqual([
      ['1h', '6h|1d|3d'],
      ['6h', '1d|3d'],
    ]);
    // Only a page mutes: another policy's ticket with the same long window does not.
    for (const r of slo) expect(r.sourceMatchers).toContainEqual({ name: 'severity', op: '=', value: 'critical' });
    expect(slo[0]!.equal).toEqual(['service', 'slo']);
  });

  it('lets one SLO\'s page mute only its own tickets, though every SLO alert has one name', () => {
    const alert = (slo: string, severity: string, long_window: string) => ({ alertname: 'SLOBudgetBurn', service: 'api', slo, severity, long_window });
    const rules = [...bundle.inhibitRules, ...defaultInhibitRules()];
    const muted = (source: Record<string, string>, target: Record<string, string>) => rules.some((r) => inhibits(r, source, target));
    expect(muted(alert('availability', 'critical', '1h'), alert('availability', 'warning', '1d'))).toBe(true);
    expect(muted(alert('availability', 'critical', '1h'), alert('latency', 'warning', '1d'))).toBe(false);
    // Other alerts keep the default ladder: a critical mutes its warning twin of the same service.
    expect(muted({ alertname: 'HighErrorRate', service: 'api', severity: 'critical' }, { alertname: 'HighErrorRate', service: 'api', severity: 'warning' })).toBe(true);
  });

  it('has a dashboard with SLI, budget, burn rate and alert panels', () => {
    const d = bundle.dashboards.find((x) => x.uid === 'slo-test-slo-api-availability')!;
    const text = JSON.stringify(d.model);
    for (const t of ['SLI', 'Error budget remaining', 'Burn rate per alert window', 'Alerts firing']) expect(text).toContain(`"title":"${t}"`);
    expect(text).toContain('ALERTS{alertstate=\\"firing\\",service=\\"api\\",slo=\\"availability\\"}');
    expect(text).toContain('"value":0.999');
  });
});

describe('grouped SLOs', () => {
  const bundle = synth(stackWith([events({ groupBy: ['route', 'region'], alerting: { noData: { for: '20m' }, minEvents: 100 } })]));
  const { records, alerts, noData } = rulesOf(bundle);

  it('carries the grouping labels through rules, alerts and the dashboard', () => {
    expect(records[0]!.expr).toBe('sum by (route, region) (increase(http_requests_total{job="api"}[5m]))');
    const burn = alerts.filter((a) => a.labels.long_window);
    expect(burn[0]!.expr).toContain('and on (route, region)');
    // The minEvents guard sums the 1h events from the recorded 5m series: no increase1h is recorded.
    expect(burn[0]!.expr).toContain(
      '(slo:sli_total:increase5m{service="api",slo="availability"} + avg_over_time(slo:sli_total:increase5m{service="api",slo="availability"}[55m] offset 2m30s) * 11 or slo:sli_total:increase5m{service="api",slo="availability"}) >= 100',
    );
    const recorded = new Set(bundle.ruleGroups.flatMap((g) => g.rules.filter((r) => r.kind === 'record').map((r) => r.name)));
    for (const a of burn) for (const m of a.expr.matchAll(/slo:[a-z_]+:[a-z0-9_]+/g)) expect(recorded, `${a.labels.long_window}: ${m[0]}`).toContain(m[0]);
    expect(burn[0]!.annotations.remaining_budget).toBe(
      '{{ with printf `1 - slo:sli_error:ratio_rate30d{region="%s",route="%s",service="api",slo="availability"} / on (service, slo) group_left () slo:error_budget:ratio` $labels.region $labels.route | query }}{{ . | first | value | humanizePercentage }}{{ else }}not known yet (no budget series){{ end }}',
    );
    expect(bundle.inhibitRules.find((r) => r.equal.includes('route'))!.equal).toEqual(['service', 'slo', 'route', 'region']);
    const vars = JSON.stringify(bundle.dashboards.find((d) => d.uid === 'slo-test-slo-api-availability')!.model.templating);
    expect(vars).toContain('label_values(slo:sli_total:increase5m{service=\\"api\\",slo=\\"availability\\"}, route)');
  });

  it('shares pair rules among SLOs grouped by the same labels', () => {
    const g = rulesOf(synth(stackWith([events({ groupBy: ['route', 'region'] })]))).alerts;
    expect(g[0]!.labels.burn_policy).toBe('workbook-30d-by-region-route');
    expect(g[0]!.seriesLabels).toEqual(['service', 'slo', 'objective', 'route', 'region']);
    expect(g[0]!.annotations.remaining_budget).toBe(
      '{{ with printf `1 - slo:sli_error:ratio_rate30d{region="%s",route="%s",service="%s",slo="%s"} / on (service, slo) group_left () slo:error_budget:ratio` $labels.region $labels.route $labels.service $labels.slo | query }}{{ . | first | value | humanizePercentage }}{{ else }}not known yet (no budget series){{ end }}',
    );
  });

  it('adds a no-data alert whose wait is a range over the recorded history (kept across a restart), and a short for:', () => {
    const nd = noData.find((a) => a.name === 'ApiAvailabilitySLONoData')!;
    expect(nd.expr).toBe('absent_over_time(slo:sli_total:increase5m{service="api",slo="availability"}[20m])');
    expect(nd.for).toBe('2m');
  });
});

describe('no-data alert', () => {
  const nd = (extra: Record<string, unknown>) => rulesOf(synth(stackWith([events(extra)]))).noData;

  it('is on by default: the SLI absent for 5m, then a for: of two scrape intervals or 2m, routed as a ticket', () => {
    const [a, ...rest] = nd({});
    expect(rest).toEqual([]);
    expect(a!.name).toBe('ApiAvailabilitySLONoData');
    expect(a!.expr).toBe('absent_over_time(slo:sli_total:increase5m{service="api",slo="availability"}[5m])');
    expect(a!.for).toBe('2m');
    expect(a!.labels).toEqual({ severity: 'warning', service: 'api', slo: 'availability' });
    expect(a!.annotations.runbook_url).toMatch(/ApiAvailabilitySLONoData/);
    expect(a!.runbook?.mitigation.join(' ')).toContain('alerting.noData: false');
    expect(a!.tests.map((t) => t.name)).toEqual(["fires when the SLI's metric is renamed", 'stays quiet with no traffic while the series exist', 'stays quiet with traffic']);
  });

  it('waits longer with a slow scrape, takes its own window and severity, and turns off with false or disabled alerting', () => {
    const slow = rulesOf(synth(stackWith([events({ alerting: { pairs: [{ long: '1d', short: '2h', budget: 10 }] } })], { prometheus: { scrapeInterval: '5m' } }))).noData[0];
    expect(slow!.for).toBe('10m');
    const own = nd({ alerting: { noData: { for: '15m', severity: 'critical' } } });
    expect(own[0]!.expr).toContain('[15m])');
    expect(own[0]!.labels.severity).toBe('critical');
    expect(nd({ alerting: { noData: false } })).toEqual([]);
    expect(nd({ alerting: { disabled: true } })).toEqual([]);
    expect(nd({ alerting: { disabled: true, noData: {} } })).toHaveLength(1);
  });
});

describe('policies', () => {
  it('takes custom pairs, severities and names; disabled gives no alerts', () => {
    const b = synth(
      stackWith([
        events({ alerting: { name: 'CheckoutBurn', pairs: [{ long: '2h', short: '10m', budget: 5, severity: 'critical' }, { long: '1d', short: '2h', budget: 20 }] } }),
        events({ name: 'quiet', alerting: { disabled: true } }),
      ]),
    );
    const { alerts, noData } = rulesOf(b);
    expect([...alerts, ...noData].map((a) => [a.name, a.labels.long_window, a.labels.severity])).toEqual([
      ['CheckoutBurn', '2h', 'critical'],
      ['CheckoutBurn', '1d', 'critical'],
      // The no-data alert is on by default, except where alerting is disabled.
      ['CheckoutBurnSLONoData', undefined, 'warning'],
    ]);
    expect(alerts[0]!.expr).toContain('> 18');
    expect(alerts[1]!.expr).toContain('> 6');
  });

  it('uses the window for factors: 28d gives 13.44', () => {
    const { alerts } = rulesOf(synth(stackWith([events({ window: '28d' })])));
    expect(alerts[0]!.expr).toContain('> 13.44');
  });
});

describe('validation with paths', () => {
  const find = (items: ReturnType<typeof diagnostics>, code: string) => items.filter((d) => d.code === code);

  it('rejects an objective of 100 or <= 0, warns at >= 99.99', () => {
    expect(find(diagnostics(stackWith([events({ objective: 100 })])), 'slo-objective')[0]).toMatchObject({ severity: 'error', path: 'slos[0].objective' });
    expect(find(diagnostics(stackWith([events({ objective: 0 })])), 'slo-objective')[0]).toMatchObject({ severity: 'error', path: 'slos[0].objective' });
    const w = find(diagnostics(stackWith([events({ objective: 99.995 })])), 'slo-objective-tight')[0]!;
    expect(w).toMatchObject({ severity: 'warning', path: 'slos[0].objective' });
    expect(w.message).toContain('2m10s of total outage per 30d');
  });

  it('says at which objective a pair stops working', () => {
    const d = find(diagnostics(stackWith([events({ objective: 92 })])), 'slo-pair-never-fires');
    expect(d).toHaveLength(1);
    expect(d[0]!.path).toBe('slos[0].alerting');
    expect(d[0]!.message).toContain('the 1h/5m pair needs a burn rate of 14.4x, an error ratio of 1.152');
    expect(d[0]!.message).toContain('objectives above 93.055556%');
    const custom = find(diagnostics(stackWith([events({ objective: 80, alerting: { pairs: [{ long: '6h', short: '30m', budget: 5 }] } })])), 'slo-pair-never-fires');
    expect(custom[0]!.path).toBe('slos[0].alerting.pairs[0]');
    expect(custom[0]!.message).toContain('objectives above 83.333333%');
  });

  it('rejects a short window under 4 scrape intervals', () => {
    const d = find(diagnostics(stackWith([events()], { prometheus: { scrapeInterval: '2m' } })), 'slo-short-window-scrape');
    expect(d[0]).toMatchObject({ severity: 'error', path: 'slos[0].alerting', value: '5m' });
    expect(d[0]!.hint).toContain('at least 8m');
  });

  it('rejects a latency threshold that is not a declared bucket, naming the buckets', () => {
    const stack = defineStack({
      name: 'slo-test',
      services: [httpService({ name: 'api', targets: ['api:80'], buckets: [0.1, 0.25, 0.5, 1], slos: [{ name: 'fast', objective: 99, sli: { latency: { below: '300ms' } } }] })],
      alerting: { receivers: {} },
    });
    const d = find(diagnostics(stack), 'slo-latency-bucket')[0]!;
    expect(d.path).toBe('services[0].slos[0].sli.latency.below');
    expect(d.message).toContain('[0.1, 0.25, 0.5, 1]');
  });

  it('rejects grouping by slo or service and unknown keys, all in one pass', () => {
    const items = diagnostics(stackWith([events({ groupBy: ['service'] }), events({ name: 'b', objectve: 99 })]));
    expect(find(items, 'slo-group-label')[0]!.path).toBe('slos[0].groupBy[0]');
    expect(items.find((d) => d.code === 'schema')!.path).toBe('slos[1].objectve');
  });
});

describe('financial-api SLOs', () => {
  const bundle = synth(financialApi);
  const { records, alerts } = rulesOf(bundle);
  it('has availability 99.9% and latency 99% under 300ms over 30d', () => {
    const info = records.filter((r) => r.name === 'obsgen_slo_info').map((r) => r.labels);
    expect(info).toEqual([
      expect.objectContaining({ slo: 'availability', objective: '99.9', window: '30d', sli: 'errorRatio' }),
      expect.objectContaining({ slo: 'latency', objective: '99', window: '30d', sli: 'latency' }),
    ]);
    const lat = records.find((r) => r.name === 'slo:sli_total:increase5m' && r.labels?.slo === 'latency')!;
    expect(lat.expr).toBe('sum(increase(http_request_duration_seconds_count{job="financial-api"}[5m]))');
    const good = records.find((r) => r.name === 'slo:sli_error:increase5m' && r.labels?.slo === 'latency')!;
    expect(good.expr).toContain('http_request_duration_seconds_bucket{job="financial-api",le="0.3"}');
    const avail = records.find((r) => r.name === 'slo:sli_error:increase5m' && r.labels?.slo === 'availability')!;
    expect(avail.expr).toContain('http_requests_total{job="financial-api",status=~"5.."}');
    // Both SLOs use the Workbook pairs over 30d: four shared rules cover them.
    expect(alerts.filter((a) => a.labels.burn_policy).map((a) => `${a.name} ${a.labels.long_window}`)).toEqual(['1h', '6h', '1d', '3d'].map((w) => `SLOBudgetBurn ${w}`));
    // 1 - 0.99 = 0.01 exactly: the latency budget the shared rules divide by.
    const budgets = records.filter((r) => r.name === 'slo:error_budget:ratio').map((r) => `${r.labels?.slo} ${r.expr}`);
    expect(budgets).toEqual(['availability vector(0.001)', 'latency vector(0.01)']);
  });
});
