/**
 * `obsgen lint --prometheus URL` against a real Prometheus (Debian's binary) on 127.0.0.1
 * that scrapes itself: the server decides promql/series, not the catalog.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTool } from '../../src/emit/verify.ts';
import { fromFiles, lint } from '../../src/lint/index.ts';

const tmp = mkdtempSync(join(tmpdir(), 'obsgen-live-'));
let server: ChildProcess | undefined;
let url = '';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  if (!hasTool('prometheus')) throw new Error('prometheus is not on PATH; run scripts/install-tools.sh');
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
  it('errors on metrics the server has no series of, warns on a job with none, passes real ones', async () => {
    const rules = join(tmp, 'live.rules.yml');
    writeFileSync(
      rules,
      `groups:
  - name: g
    rules:
      - alert: PromDown
        expr: up{job="prometheus"} == 0
        for: 5m
        labels: { severity: critical }
      - alert: HeadSeries
        expr: prometheus_tsdb_head_series{job="prometheus"} > 1e6
        for: 5m
        labels: { severity: warning }
      - alert: Typo
        expr: prometheus_tsdb_head_seriez > 1e6
        for: 5m
        labels: { severity: warning }
      - alert: CronJobs
        expr: kube_cronjob_status_active > 3
        for: 5m
        labels: { severity: warning }
      - alert: WrongJob
        expr: up{job="prom"} == 0
        for: 5m
        labels: { severity: warning }
      - record: job:up:sum
        expr: sum by (job) (up)
      - alert: Recorded
        expr: job:up:sum == 0
        for: 5m
        labels: { severity: warning }
`,
    );
    const found = (await lint(fromFiles({ rules: [rules] }), { prometheus: url })).filter((f) => f.id === 'promql/series');
    expect(found.map((f) => `${f.severity} ${f.rule}`)).toEqual(['error Typo', 'error CronJobs', 'warning WrongJob']);
    expect(found[0]!.message).toContain('has no series of this metric');
    expect(found[2]!.hint).toBe('did you mean job="prometheus"?');
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
