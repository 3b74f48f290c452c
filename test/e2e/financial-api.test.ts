/**
 * End to end: the financial-api bundle on a real Prometheus 2.42 and Alertmanager 0.25
 * (Debian), started natively by the stack runner on 127.0.0.1, with the demo service
 * (scripts/demo-service.ts) standing in for api:8000, real postgres + redis behind the
 * Debian postgres/redis exporters, and the webhook sink (scripts/webhook-sink.ts) as every
 * receiver.
 *
 * Time compression, in the runtime copy only (the bundle in out/ is not touched, see the
 * "runtime copy" test): scrape and evaluation every 1s (rule groups' `interval` too),
 * Alertmanager group_wait/group_interval 1s, and every alert's `for:` capped at 15s
 * (HighErrorRate has `for: 2m` in the bundle). The SLO burn-rate alerts have no `for:`.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoServiceCommand, freePort, isAlive, startStack, webhookSinkCommand, type StackHandle } from '../../src/stack/native/index.ts';
import { tempDir, treeHashes } from '../helpers.ts';
import { bundleRules, getJson, metricValue, notifications, obsgen, postJson, ROOT, sleep, startLoad, waitFor } from './helpers.ts';

const MAX_FOR = '15s';
const t0 = Date.now();
let work: string;
let bundle: string;
let h: StackHandle | undefined;
let prom: string;
let am: string;
let sink: string;
let api: string;
let load: ReturnType<typeof startLoad> | undefined;
let pids: { pid: number; startTime: string }[] = [];
/** When the demo started failing 20% of requests. */
let flippedAt = 0;

const promRules = async () =>
  (await getJson<{ data: { groups: { name: string; rules: { name: string; type: string; health: string; lastError?: string; lastEvaluation: string; state?: string }[] }[] } }>(`${prom}/api/v1/rules`)).data.groups.flatMap((g) =>
    g.rules.map((r) => ({ ...r, group: g.name })),
  );

interface AmAlert {
  labels: Record<string, string>;
  status: { state: string; inhibitedBy: string[]; silencedBy: string[] };
  fingerprint: string;
}

beforeAll(async () => {
  work = tempDir('obsgen-e2e-');
  const out = join(work, 'out');
  const b = obsgen(['build', '--stack', 'financial-api', '--out', out]);
  expect(b.status, b.stderr).toBe(0);
  bundle = join(out, 'financial-api');
  const sinkPort = await freePort();
  h = await startStack(bundle, {
    stateDir: join(work, 'state'),
    with: { api: demoServiceCommand() },
    extra: [{ name: 'webhook-sink', command: webhookSinkCommand(), port: sinkPort }],
    webhookUrl: 'http://127.0.0.1:{port:webhook-sink}/alertmanager',
    scrapeInterval: '1s',
    evaluationInterval: '1s',
    maxFor: MAX_FOR,
    groupWait: '1s',
    groupInterval: '1s',
    readyTimeoutMs: 60_000,
  });
  pids = h.processes.map((p) => ({ pid: p.pid, startTime: p.startTime }));
  prom = h.urls.prometheus!;
  am = h.urls.alertmanager!;
  sink = `http://127.0.0.1:${sinkPort}`;
  api = `http://127.0.0.1:${h.port('api')}`;
  // Steady traffic (about 40 req/s) from here on: the error-ratio alert needs > 0.1 req/s.
  load = startLoad(`${api}/`);
  load.set({ workers: 2, pauseMs: 50 });
});

afterAll(async () => {
  await load?.stop();
  const results = h ? await h.stop() : [];
  // Every process the runner started is gone, whatever happened above.
  for (const p of pids) expect(isAlive(p.pid, p.startTime), `pid ${p.pid} still alive`).toBe(false);
  if (h) expect(results.map((r) => r.pid).sort()).toEqual(pids.map((p) => p.pid).sort());
  if (work && existsSync(work)) rmSync(work, { recursive: true, force: true });
  console.log(`e2e financial-api: ${((Date.now() - t0) / 1000).toFixed(1)} s wall`);
});

describe('financial-api on a native Prometheus + Alertmanager', () => {
  it('starts everything the bundle needs, skips Grafana with a reason, and leaves no target unresolved', () => {
    const names = h!.processes.map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['alertmanager', 'api', 'postgres', 'postgres-exporter', 'prometheus', 'redis', 'redis-exporter', 'webhook-sink']));
    // Anything more (say a node exporter, once the stack scrapes one) stands behind a target of the bundle.
    for (const p of h!.processes.filter((x) => !['api', 'postgres', 'redis', 'webhook-sink'].includes(x.name))) expect(p.serves.length, p.name).toBeGreaterThan(0);
    expect(h!.skipped).toEqual([{ name: 'grafana', reason: expect.stringContaining('no Debian package') }]);
    expect(h!.unresolved).toEqual([]);
    for (const p of h!.processes) {
      expect(existsSync(join(h!.stateDir, 'pids', `${p.name}.pid`))).toBe(true);
      expect(Number(readFileSync(join(h!.stateDir, 'pids', `${p.name}.pid`), 'utf8'))).toBe(p.pid);
    }
    expect(h!.addresses['api:8000']).toBe(`127.0.0.1:${h!.port('api')}`);
  });

  it('the runtime copy differs from the bundle only in timing, addresses and receivers; out/ is untouched', () => {
    const hashes = treeHashes(bundle);
    const manifest = JSON.parse(readFileSync(join(bundle, 'manifest.json'), 'utf8')) as { files: Record<string, string> };
    for (const [f, sha] of Object.entries(manifest.files)) expect(hashes[f], f).toBe(sha);
    for (const f of Object.keys(manifest.files).filter((x) => x.startsWith('prometheus/rules/'))) {
      const original = parse(readFileSync(join(bundle, f), 'utf8')) as { groups: Record<string, unknown>[] };
      const runtime = parse(readFileSync(join(h!.stateDir, 'runtime', f), 'utf8')) as { groups: Record<string, unknown>[] };
      const strip = (d: { groups: Record<string, unknown>[] }) =>
        d.groups.map((g) => ({ ...g, interval: undefined, rules: (g.rules as Record<string, unknown>[]).map((r) => ({ ...r, for: undefined })) }));
      expect(strip(runtime), f).toEqual(strip(original));
    }
    const rt = parse(readFileSync(join(h!.stateDir, 'runtime/prometheus/rules/financial-api.rules.yml'), 'utf8')) as { groups: { rules: { alert?: string; for?: string }[] }[] };
    expect(rt.groups[0]!.rules.find((r) => r.alert === 'HighErrorRate')!.for).toBe(MAX_FOR);
    expect(readFileSync(join(bundle, 'prometheus/rules/financial-api.rules.yml'), 'utf8')).toContain('for: 2m');
  });

  it('loads every rule of the bundle (/api/v1/rules count equals the bundle)', async () => {
    const manifest = JSON.parse(readFileSync(join(bundle, 'manifest.json'), 'utf8')) as { counts: { recordingRules: number; alerts: number; ruleGroups: number } };
    const expected = bundleRules(bundle);
    expect(expected.length).toBe(manifest.counts.recordingRules + manifest.counts.alerts);
    const { value: loaded } = await waitFor('rules loaded', 30_000, async () => {
      const r = await promRules();
      return r.length ? r : undefined;
    });
    expect(loaded.length).toBe(expected.length);
    expect(loaded.filter((r) => r.type === 'alerting').length).toBe(manifest.counts.alerts);
    expect(loaded.filter((r) => r.type === 'recording').length).toBe(manifest.counts.recordingRules);
    expect(new Set(loaded.map((r) => r.group)).size).toBe(manifest.counts.ruleGroups);
    expect(loaded.map((r) => `${r.group}/${r.name}`).sort()).toEqual(expected.map((r) => `${r.group}/${r.name}`).sort());
  });

  it('scrapes every target of the bundle and all are up (postgres and redis through real databases)', async () => {
    const promConfig = parse(readFileSync(join(bundle, 'prometheus/prometheus.yml'), 'utf8')) as { scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[] };
    const expectedJobs = promConfig.scrape_configs.map((j) => j.job_name).sort();
    const expectedCount = promConfig.scrape_configs.reduce((n, j) => n + j.static_configs.reduce((m, s) => m + s.targets.length, 0), 0);
    const { value: targets, ms } = await waitFor('all targets up', 45_000, async () => {
      const t = (await getJson<{ data: { activeTargets: { labels: Record<string, string>; health: string; lastError: string; scrapeUrl: string }[] } }>(`${prom}/api/v1/targets?state=active`)).data.activeTargets;
      return t.length === expectedCount && t.every((x) => x.health === 'up') ? t : undefined;
    });
    expect(targets.map((t) => t.labels.job).sort()).toEqual(expectedJobs);
    for (const t of targets) expect(t.scrapeUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    // The exporters really reach their databases.
    const up = async (q: string) => (await getJson<{ data: { result: { value: [number, string] }[] } }>(`${prom}/api/v1/query?query=${encodeURIComponent(q)}`)).data.result[0]?.value[1];
    await waitFor('pg_up and redis_up', 20_000, async () => ((await up('pg_up')) === '1' && (await up('redis_up')) === '1' ? true : undefined));
    console.log(`targets up after ${ms} ms`);
  });

  it('Prometheus sends to the Alertmanager of the stack', async () => {
    const r = await getJson<{ data: { activeAlertmanagers: { url: string }[] } }>(`${prom}/api/v1/alertmanagers`);
    expect(r.data.activeAlertmanagers.map((a) => a.url)).toEqual([`${am}/api/v2/alerts`]);
  });

  it('evaluates every rule without an error (health ok, lastError empty)', async () => {
    const since = Date.now();
    const { value: rules } = await waitFor('every rule evaluated since the targets came up', 30_000, async () => {
      const r = await promRules();
      return r.every((x) => Date.parse(x.lastEvaluation) > since) ? r : undefined;
    });
    const bad = rules.filter((r) => r.health !== 'ok' || (r.lastError ?? '') !== '').map((r) => `${r.group}/${r.name}: ${r.health} ${r.lastError}`);
    expect(bad).toEqual([]);
    // Healthy traffic: nothing fires yet.
    expect(rules.filter((r) => r.type === 'alerting' && r.state === 'firing').map((r) => r.name)).toEqual([]);
  });

  it('an SLO page (slo=availability, 1h/5m burn) reaches the webhook through the oncall route when 20% of requests fail', async () => {
    await postJson(`${api}/control`, { errorRate: 0.2 });
    flippedAt = Date.now();
    const { value, ms } = await waitFor('SLOBudgetBurn slo=availability long_window=1h at the webhook', 60_000, async () => {
      const n = await notifications(sink);
      return n.find((x) => x.status === 'firing' && x.labels.alertname === 'SLOBudgetBurn' && x.labels.slo === 'availability' && x.labels.long_window === '1h');
    });
    expect(value.receiver).toBe('oncall');
    expect(value.labels).toMatchObject({ slo: 'availability', severity: 'critical', service: 'financial-api', short_window: '5m', burn_policy: 'workbook-30d', env: 'prod' });
    expect(value.annotations.runbook_url).toBe('https://ops.edgartools.com/runbooks/SLOBudgetBurn.md');
    // The measured burn rate (20% errors against a 0.1% budget: ~200x), the pair's factor as its threshold.
    const summary = /^financial-api: SLO availability is burning its error budget (\d+\.\d\d)x as fast as the objective allows over 1h \(threshold 14\.4x over 1h and 5m\)$/.exec(value.annotations.summary ?? "");
    expect(summary, value.annotations.summary).not.toBeNull();
    expect(Number(summary![1])).toBeGreaterThan(14.4);
    // The shared rule reads the SLO's objective and dashboard from its info series, in Prometheus.
    expect(value.annotations.description).toMatch(/^financial-api SLO availability \(99\.9% over 30d\): over the last 1h the error ratio is \d+\.\d\dx /);
    expect(value.annotations.dashboard_url).toMatch(/^https:\/\/grafana\.edgartools\.com\/d\/financial-api-slo-[a-z0-9-]+\?viewPanel=\d+$/);
    // humanizePercentage prints Go's %.4g: -1.127e+04% once the budget is long gone.
    expect(value.annotations.remaining_budget).toMatch(/^-?\d+(\.\d+)?(e[+-]\d+)?%$/);
    console.log(`SLO page at the webhook ${ms} ms after the error flip`);
  });

  it('the critical burn-rate alert inhibits its warning twin (Alertmanager /api/v2/alerts)', async () => {
    // One matcher per filter parameter (Alertmanager's API takes a list).
    const filter = ['alertname="SLOBudgetBurn"', 'slo="availability"'].map(encodeURIComponent).join('&filter=');
    const { value: alerts } = await waitFor('critical active and warning twin suppressed', 60_000, async () => {
      const a = await getJson<AmAlert[]>(`${am}/api/v2/alerts?filter=${filter}`);
      const crit = a.find((x) => x.labels.long_window === '1h');
      const warn = a.filter((x) => x.labels.severity === 'warning');
      return crit?.status.state === 'active' && warn.length && warn.every((w) => w.status.state === 'suppressed') ? a : undefined;
    });
    const crit = alerts.find((x) => x.labels.long_window === '1h')!;
    const warnings = alerts.filter((x) => x.labels.severity === 'warning');
    expect(crit.status.inhibitedBy).toEqual([]);
    // Alertmanager records the first source it finds; while both page pairs (1h and 6h) fire,
    // that may be either of them (the 6h page too, though the 1h page suppresses it), so each
    // inhibitor must be a firing critical pair of this SLO.
    const pages = alerts.filter((x) => x.labels.severity === 'critical').map((x) => x.fingerprint);
    expect(pages).toContain(crit.fingerprint);
    for (const w of warnings) {
      expect(w.status.state).toBe('suppressed');
      expect(w.status.inhibitedBy.length).toBeGreaterThan(0);
      for (const by of w.status.inhibitedBy) expect(pages).toContain(by);
    }
    // Only un-inhibited alerts come back with inhibited=false.
    const visible = await getJson<AmAlert[]>(`${am}/api/v2/alerts?inhibited=false&filter=${filter}`);
    expect(visible.map((x) => x.labels.severity)).not.toContain('warning');
    expect(visible.map((x) => x.labels.long_window)).toContain('1h');
  });

  it(`HighErrorRate (for: 2m in the bundle, capped at ${MAX_FOR} in the runtime copy) reaches the webhook through the oncall route`, async () => {
    const { value, ms } = await waitFor('HighErrorRate firing at the webhook', 90_000, async () => {
      const n = await notifications(sink);
      return n.find((x) => x.status === 'firing' && x.labels.alertname === 'HighErrorRate');
    });
    expect(value.receiver).toBe('oncall');
    expect(value.labels).toMatchObject({ alertname: 'HighErrorRate', severity: 'critical', service: 'financial-api', job: 'financial-api', env: 'prod' });
    expect(value.annotations.summary).toBe('financial-api: 5% or more of requests fail');
    expect(value.annotations.description).toMatch(/^\d+(\.\d+)?% of requests to financial-api \(job financial-api\) returned 5\.\. over the last 5m\.$/);
    // The stack declares codeLabel: 'status'; the runner tells the demo so (OBSGEN_CODE_LABEL),
    // and Prometheus sees the injected 20% under that label, over a window after the flip.
    await sleep(Math.max(0, flippedAt + 17_000 - Date.now()));
    const ratio = 'sum(rate(http_requests_total{job="financial-api",status=~"5.."}[15s])) / sum(rate(http_requests_total{job="financial-api"}[15s]))';
    const { value: seen } = await waitFor('the injected error ratio 0.2 in Prometheus', 20_000, async () => {
      const r = await getJson<{ data: { result: { value: [number, string] }[] } }>(`${prom}/api/v1/query?query=${encodeURIComponent(ratio)}`);
      const v = Number(r.data.result[0]?.value[1]);
      return Math.abs(v - 0.2) <= 0.02 ? v : undefined;
    }, 1000);
    console.log(`error ratio injected 0.2; Prometheus sees ${seen.toFixed(4)}`);
    console.log(`HighErrorRate at the webhook ${ms} ms after the SLO page`);
  });

  it('alerts resolve after recovery (resolved notifications reach the webhook)', async () => {
    await postJson(`${api}/control`, { errorRate: 0 });
    // Dilute the 5m windows quickly: as many good requests as the load loops can send.
    load!.set({ workers: 24, pauseMs: 0 });
    const { ms } = await waitFor('HighErrorRate and the SLO page resolved at the webhook', 150_000, async () => {
      const n = await notifications(sink);
      const resolved = (name: string, extra: Record<string, string> = {}) =>
        n.some((x) => x.status === 'resolved' && x.labels.alertname === name && Object.entries(extra).every(([k, v]) => x.labels[k] === v));
      return resolved('HighErrorRate') && resolved('SLOBudgetBurn', { slo: 'availability', long_window: '1h' }) ? true : undefined;
    }, 1000);
    load!.set({ workers: 2, pauseMs: 50 });
    const firing = (await promRules()).filter((r) => r.type === 'alerting' && (r.name === 'HighErrorRate' || r.name === 'SLOBudgetBurn') && r.state === 'firing');
    expect(firing.filter((r) => r.name === 'HighErrorRate')).toEqual([]);
    console.log(`resolved ${ms} ms after recovery; load sent ${load!.sent} requests`);
  });

  it('a broken stack is refused by obsgen build before Prometheus sees it; the running stack keeps its rules', async () => {
    const before = treeHashes(bundle);
    const reloadTs = await metricValue(prom, 'prometheus_config_last_reload_success_timestamp_seconds');
    const rulesBefore = (await promRules()).map((r) => `${r.group}/${r.name}`).sort();
    // Same stack, one bad value: a scrape interval that is not a duration.
    const dir = join(work, 'broken');
    mkdirSync(dir, { recursive: true });
    const src = readFileSync(join(ROOT, 'stacks/financial-api.ts'), 'utf8');
    expect(src).toContain("scrapeInterval: '5s'");
    writeFileSync(join(dir, 'financial-api.ts'), src.replace("scrapeInterval: '5s'", "scrapeInterval: 'often'"));
    const b = obsgen(['build', '--file', join(dir, 'financial-api.ts'), '--out', join(work, 'out')]);
    expect(b.status).toBe(1);
    expect(b.stderr).toContain('scrapeInterval');
    expect(b.stderr).toContain('nothing written');
    expect(treeHashes(bundle)).toEqual(before);
    // A bundle broken after the build (by hand) is refused by the runner's reload (promtool on
    // the runtime copy) and never reaches /-/reload.
    const ruleFile = join(bundle, 'prometheus/rules/financial-api.rules.yml');
    const saved = join(work, 'saved.rules.yml');
    copyFileSync(ruleFile, saved);
    writeFileSync(ruleFile, readFileSync(saved, 'utf8').replace('> 0.05', '> > 0.05'));
    try {
      const r = await h!.reload();
      expect(r.ok).toBe(false);
      expect(r.refused).toContain('promtool check config');
      expect(r.reloaded).toEqual([]);
    } finally {
      copyFileSync(saved, ruleFile);
    }
    await sleep(1500);
    expect(await metricValue(prom, 'prometheus_config_last_reload_success_timestamp_seconds')).toBe(reloadTs);
    expect(await metricValue(prom, 'prometheus_config_last_reload_successful')).toBe(1);
    expect((await promRules()).map((r) => `${r.group}/${r.name}`).sort()).toEqual(rulesBefore);
    // The valid bundle reloads.
    const ok = await h!.reload();
    expect(ok).toEqual({ ok: true, reloaded: ['alertmanager', 'prometheus'] });
    expect((await promRules()).length).toBe(rulesBefore.length);
  });
});
