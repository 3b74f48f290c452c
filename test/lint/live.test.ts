/**
 * `obsgen lint --prometheus URL` against a real Prometheus (Debian's binary) on 127.0.0.1
 * that scrapes itself and holds a week of backfilled history: the server decides
 * promql/series, not the catalog, and says since when.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTool } from '../../src/emit/verify.ts';
import { fromFiles, lint } from '../../src/lint/index.ts';
import { freePort } from '../../src/stack/native/ports.ts';

const tmp = mkdtempSync(join(tmpdir(), 'obsgen-live-'));
let server: ChildProcess | undefined;
let url = '';


/** History in OpenMetrics text: samples every 10 minutes of each series over [from, to] (ms ago). */
function history(series: { labels: string; fromAgo: number; toAgo: number }[], now: number): string {
  const lines: string[] = [];
  for (const s of series) for (let t = now - s.fromAgo, v = 0; t <= now - s.toAgo; t += 600e3, v++) lines.push(`${s.labels} ${v} ${Math.floor(t / 1000)}`);
  return `${lines.join('\n')}\n# EOF\n`;
}

const DAY = 86400e3;

beforeAll(async () => {
  if (!hasTool('prometheus') || !hasTool('promtool')) throw new Error('prometheus or promtool is not on PATH; run scripts/install-tools.sh');
  const now = Date.now();
  writeFileSync(
    join(tmp, 'history.om'),
    history(
      [
        { labels: 'app_requests_total{job="api",instance="a"}', fromAgo: 8 * DAY, toAgo: 60e3 },
        { labels: 'app_requests_total{job="worker",instance="b"}', fromAgo: 8 * DAY, toAgo: 60e3 },
        { labels: 'legacy_queue_depth{job="legacy"}', fromAgo: 3 * DAY, toAgo: 2 * DAY },
      ],
      now,
    ),
  );
  const backfill = spawnSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', join(tmp, 'history.om'), join(tmp, 'data')], { encoding: 'utf8' });
  if (backfill.status !== 0) throw new Error(`promtool backfill failed: ${backfill.stderr}`);
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  writeFileSync(join(tmp, 'prometheus.yml'), `global: { scrape_interval: 1s }\nscrape_configs:\n  - job_name: prometheus\n    static_configs: [{ targets: ['127.0.0.1:${port}'] }]\n`);
  server = spawn('prometheus', [`--config.file=${join(tmp, 'prometheus.yml')}`, `--storage.tsdb.path=${join(tmp, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
  // Bounded wait: up to 60 s for the first scrape of itself.
  for (let i = 0; i < 120; i++) {
    try {
      const r = (await (await fetch(`${url}/api/v1/series?match[]=up`)).json()) as { data?: unknown[] };
      if (r.data?.length) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('prometheus did not scrape itself within 60 s');
}, 90_000);

afterAll(() => {
  server?.kill();
  rmSync(tmp, { recursive: true, force: true });
});

describe('lint --prometheus (live promql/series)', () => {
  it('errors on metrics the server never had, warns on gone ones and on matchers no series passes, says since when', async () => {
    const rules = join(tmp, 'live.rules.yml');
    writeFileSync(
      rules,
      `groups:
  - name: g
    rules:
      - alert: ApiErrors
        expr: rate(app_requests_total{job="api"}[5m]) > 1
        for: 5m
        labels: { severity: critical }
      - alert: Typo
        expr: app_requests_totl > 1e6
        for: 5m
        labels: { severity: warning }
      - alert: CronJobs
        expr: kube_cronjob_status_active > 3
        for: 5m
        labels: { severity: warning }
      - alert: WrongJob
        expr: rate(app_requests_total{job="apii"}[5m]) > 1
        for: 5m
        labels: { severity: warning }
      - alert: Mismatched
        expr: rate(app_requests_total{job="api", instance="b"}[5m]) > 1
        for: 5m
        labels: { severity: warning }
      - alert: QueueDepth
        expr: legacy_queue_depth > 10
        for: 5m
        labels: { severity: warning }
      - alert: HeadSeries
        expr: prometheus_tsdb_head_series{job="prometheus"} > 1e6
        for: 5m
        labels: { severity: warning }
      - record: job:app_requests:rate5m
        expr: sum by (job) (rate(app_requests_total[5m]))
      - alert: Recorded
        expr: job:app_requests:rate5m == 0
        for: 5m
        labels: { severity: warning }
`,
    );
    const found = (await lint(fromFiles({ rules: [rules] }), { prometheus: url })).filter((f) => f.id === 'promql/series');
    const by = (rule: string) => found.filter((f) => f.rule === rule);
    expect(found.map((f) => `${f.severity} ${f.rule}`)).toEqual(['error Typo', 'error CronJobs', 'warning WrongJob', 'warning Mismatched', 'warning QueueDepth', 'info HeadSeries']);
    expect(by('Typo')[0]!.message).toContain('has no series of this metric (looked back 7d)');
    expect(by('WrongJob')[0]!.message).toContain('only with job "api", "worker"');
    expect(by('WrongJob')[0]!.hint).toBe('did you mean job="api"?');
    expect(by('Mismatched')[0]!.message).toContain('none passing all of them');
    // Gone two days ago (last sample 2d ago, read in 1h steps).
    expect(by('QueueDepth')[0]!.message).toMatch(/no series of this metric for about (1d2[2-3]h|1d23h|2d|2d1h)/);
    expect(by('HeadSeries')[0]!.message).toMatch(/only for the last (1h|1h\dm|\d+m) at most/);
  });

  it('says so when the server cannot be asked', async () => {
    const rules = join(tmp, 'one.rules.yml');
    writeFileSync(rules, 'groups:\n  - name: g\n    rules:\n      - record: job:up:sum\n        expr: sum by (job) (up)\n');
    const port = await freePort();
    const found = await lint(fromFiles({ rules: [rules] }), { prometheus: `http://127.0.0.1:${port}` });
    expect(found.map((f) => f.id)).toEqual(['promql/series']);
    expect(found[0]!.message).toContain('cannot ask');
  });
});
