/**
 * `obsgen stack status` names the metrics the bundle's rules and panels read that the running
 * exporters do not expose (issue 12 item 19): the postgres mixin's replication lag alert reads
 * pg_replication_lag_seconds and pg_replication_is_replica, which postgres_exporter has only
 * since 0.13.0; Debian's 0.11.1, which the runner starts, has neither, so the alert is dead.
 * Real parts: Debian's postgres, postgres_exporter, Prometheus, Alertmanager, the demo service.
 */
import { describe, expect, it } from 'vitest';
import { readState } from '../../src/stack/native/index.ts';
import { builtStackFile, getJson, obsgen, waitFor } from './helpers.ts';

const STACK = `import { defineStack, httpService, postgres } from 'obsgen';

export default defineStack({
  name: 'e2e-pg',
  services: [httpService({ name: 'shop', targets: ['shop:8080'], alerts: { errorRatio: { above: 0.05 } } })],
  mixins: [postgres({ targets: ['postgres-exporter:9187'], replicationLag: { above: '1s' } })],
  alerting: {
    receivers: { team: { webhook: { url: 'http://127.0.0.1:9/hook' } } },
    routes: [{ match: { severity: 'warning' }, receiver: 'team' }],
  },
});
`;

const { out, state, track } = builtStackFile('e2e-pg', STACK);

describe('obsgen stack status: metrics the rules read that the running exporters do not expose', () => {
  it('up starts postgres and its exporter (Debian 0.11.1) beside the demo service', () => {
    const r = obsgen(['stack', 'up', 'e2e-pg', '--out', out, '--state', state, '--demo', 'shop', '--scrape-interval', '1s']);
    expect(r.status, r.stderr + r.stdout).toBe(0);
    const s = readState(state)!;
    track(s.processes.map((p) => ({ pid: p.pid, startTime: p.startTime })));
    expect(s.processes.map((p) => p.name)).toEqual(expect.arrayContaining(['postgres', 'postgres-exporter', 'shop', 'prometheus']));
  });

  it('names pg_replication_lag_seconds and pg_replication_is_replica for job postgres with the alert that reads them, and nothing the exporter has', async () => {
    const s = readState(state)!;
    const prom = s.urls.prometheus!;
    const shop = `http://127.0.0.1:${s.processes.find((p) => p.name === 'shop')!.port}`;
    // The exporter reaches its database: the metrics it has are there.
    await waitFor('pg_up 1', 45_000, async () => {
      const r = await getJson<{ data: { result: { value: [number, string] }[] } }>(`${prom}/api/v1/query?query=${encodeURIComponent('pg_up{job="postgres"}')}`);
      return r.data.result[0]?.value[1] === '1' ? true : undefined;
    });
    const status = () => obsgen(['stack', 'status', 'e2e-pg', '--state', state]).stdout;
    // Before any request the demo declares its counter (HELP/TYPE) but has no series of it.
    const { value: before } = await waitFor('status with every job scraped', 30_000, async () => {
      const out = status();
      return out.includes('metrics: ') && !out.includes('has no series yet') ? out : undefined;
    }, 1000);
    expect(before).toMatch(/^ {2}job shop: http_requests_total {2}\(declared by the target, no samples yet\) {2}read by record job:http_requests:rate5m/m);
    // A few requests, so the demo's counters have series.
    for (let i = 0; i < 20; i++) await (await fetch(`${shop}/`)).arrayBuffer();
    const { value: stdout } = await waitFor('status with the shop counters scraped', 30_000, async () => {
      const out = status();
      return out.includes('metrics: ') && !/job shop: http_requests_total/.test(out) ? out : undefined;
    }, 1000);
    const notExposed = / {2}\(not exposed by the target[^)]*\) {2}/.source;
    expect(stdout).toMatch(new RegExp(`^ {2}job postgres: pg_replication_lag_seconds${notExposed}read by alert PostgresReplicationLag, panel `, 'm'));
    expect(stdout).toMatch(new RegExp(`^ {2}job postgres: pg_replication_is_replica${notExposed}read by alert PostgresReplicationLag`, 'm'));
    // What 0.11.1 does expose is not listed: pg_up, and max_connections for the connections alert.
    const listed = stdout.split('\n').filter((l) => l.startsWith('  job ')).map((l) => /^ {2}job [^:]+: (\S+)/.exec(l)![1]);
    expect(listed).not.toContain('pg_up');
    expect(listed).not.toContain('pg_settings_max_connections');
    expect(listed).not.toContain('http_requests_total');
    // Each listed metric really has no series for its job (asked the same API directly).
    const names = (await getJson<{ data: string[] }>(`${prom}/api/v1/label/__name__/values?match[]=${encodeURIComponent('{job="postgres"}')}`)).data;
    expect(names).toContain('pg_up');
    for (const m of listed) expect(names).not.toContain(m);
    console.log(stdout.split('\n').filter((l) => l.startsWith('metrics') || l.startsWith('  job ')).join('\n'));
  });
});
