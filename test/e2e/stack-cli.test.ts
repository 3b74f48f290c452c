/**
 * `obsgen stack up|status|reload|down` as a user runs it, on a test-only stack built from the
 * same factories: an HTTP service with httpService's default status code label `code` and an
 * availability SLO (the demo service via --demo), node exporter behind a plain scrape job, a
 * Slack receiver whose secret file does not exist (a stand-in is used). The CLI exits after
 * `up`; `down` must then stop exactly what `up` started, by pid.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAlive, readState } from '../../src/stack/native/index.ts';
import { builtStackFile, getJson, obsgen, postJson, startLoad, waitFor } from './helpers.ts';

const STACK = `import { defineStack, httpService } from 'obsgen';

export default defineStack({
  name: 'e2e-cli',
  services: [
    httpService({
      name: 'shop',
      targets: ['shop:8080'],
      alerts: { errorRatio: { name: 'ShopErrors', above: 0.05, for: '1m', severity: 'warning' } },
      slos: [{ name: 'availability', objective: 99, sli: { errorRatio: {} } }],
    }),
  ],
  scrapeJobs: [{ name: 'node', targets: ['node-exporter:9100'] }],
  alerting: {
    receivers: { team: { slack: { apiUrlFile: '/run/secrets/slack_api_url', channel: '#shop' } } },
    routes: [{ match: { severity: 'warning' }, receiver: 'team' }],
  },
});
`;

const { out, state, track } = builtStackFile('e2e-cli', STACK);
let pids: { pid: number; startTime: string }[] = [];

describe('obsgen stack up|status|reload|down', () => {
  it('up starts Prometheus, Alertmanager, node exporter and the demo service, says Grafana is skipped, and returns', () => {
    const r = obsgen(['stack', 'up', 'e2e-cli', '--out', out, '--state', state, '--demo', 'shop', '--scrape-interval', '1s']);
    expect(r.status, r.stderr + r.stdout).toBe(0);
    const s = readState(state)!;
    pids = s.processes.map((p) => ({ pid: p.pid, startTime: p.startTime }));
    track(pids);
    expect(s.processes.map((p) => `${p.name}:${p.kind}`).sort()).toEqual(['alertmanager:alertmanager', 'node-exporter:node-exporter', 'prometheus:prometheus', 'shop:command']);
    expect(r.stdout).toMatch(/skipped grafana: Grafana has no Debian package/);
    expect(r.stdout).toContain('note: secret slack_api_url: ./secrets/slack_api_url does not exist; using a stand-in');
    expect(r.stdout).toContain(`prometheus    http://127.0.0.1:${s.processes.find((p) => p.name === 'prometheus')!.port}`);
    for (const p of s.processes) {
      expect(isAlive(p.pid, p.startTime)).toBe(true);
      expect(readFileSync(join(state, 'pids', `${p.name}.pid`), 'utf8').trim()).toBe(String(p.pid));
      expect(existsSync(join(state, 'logs', `${p.name}.log`))).toBe(true);
    }
    // Alertmanager reads the stand-in, never the bundle's path.
    const amYml = readFileSync(join(state, 'runtime/alertmanager/alertmanager.yml'), 'utf8');
    expect(amYml).toContain(`api_url_file: ${join(state, 'secrets/slack_api_url')}`);
    expect(amYml).not.toContain('/run/secrets/');
  });

  it('up refuses to start the same stack twice', () => {
    const r = obsgen(['stack', 'up', 'e2e-cli', '--out', out, '--state', state, '--demo', 'shop']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('is already up');
    expect(readState(state)!.processes.map((p) => p.pid).sort()).toEqual(pids.map((p) => p.pid).sort());
  });

  it('status reports every process ready and every target up, node exporter included', async () => {
    const { value } = await waitFor('status: 4/4 targets up', 30_000, async () => {
      const r = obsgen(['stack', 'status', 'e2e-cli', '--state', state]);
      return r.status === 0 && r.stdout.includes('targets: 4/4 up') ? r.stdout : undefined;
    }, 1000);
    for (const name of ['prometheus', 'alertmanager', 'node-exporter', 'shop']) expect(value).toMatch(new RegExp(`^${name}\\s+\\d+\\s+127\\.0\\.0\\.1:\\d+\\s+ready`, 'm'));
    expect(value).toMatch(/node-exporter .*\(for node-exporter:9100\)/);
  });

  it('the error ratio the demo injects (10%) is what Prometheus sees, raw and through the SLO rules', async () => {
    const s = readState(state)!;
    const prom = s.urls.prometheus!;
    const shop = `http://127.0.0.1:${s.processes.find((p) => p.name === 'shop')!.port}`;
    // Before any traffic: every request from here on fails at exactly 10%.
    await postJson(`${shop}/control`, { errorRate: 0.1 });
    const load = startLoad(`${shop}/`);
    load.set({ workers: 2, pauseMs: 20 });
    const query = async (q: string) => {
      const r = await getJson<{ data: { result: { value: [number, string] }[] } }>(`${prom}/api/v1/query?query=${encodeURIComponent(q)}`);
      return r.data.result.map((x) => Number(x.value[1]));
    };
    try {
      // The demo had counted its errors under a label the rules do not read (status vs code): both stayed 0.
      const raw = 'sum(rate(http_requests_total{job="shop",code=~"5.."}[1m])) / sum(rate(http_requests_total{job="shop"}[1m]))';
      const sel = '{service="shop",slo="availability"}';
      const slo = `slo:sli_error:increase5m${sel} / slo:sli_total:increase5m${sel}`;
      const { value } = await waitFor('the raw and the SLO error ratio near 0.1', 60_000, async () => {
        const [r, o] = [await query(raw), await query(slo)];
        return r.length === 1 && o.length === 1 && Math.abs(r[0]! - 0.1) <= 0.02 && Math.abs(o[0]! - 0.1) <= 0.02 ? { raw: r[0]!, slo: o[0]! } : undefined;
      }, 1000);
      console.log(`error ratio injected 0.1; Prometheus sees ${value.raw.toFixed(4)} raw, ${value.slo.toFixed(4)} through the SLO rules`);
    } finally {
      await load.stop();
    }
  });

  it('reload validates the re-rendered copy and reloads both', () => {
    const r = obsgen(['stack', 'reload', 'e2e-cli', '--state', state]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('reloaded alertmanager, prometheus');
  });

  it('down stops exactly the recorded pids; status then says not running', () => {
    const r = obsgen(['stack', 'down', 'e2e-cli', '--state', state]);
    expect(r.status).toBe(0);
    for (const p of pids) {
      expect(r.stdout).toMatch(new RegExp(`pid ${p.pid}: stopped with SIG(TERM|KILL)`));
      expect(isAlive(p.pid, p.startTime)).toBe(false);
    }
    expect(existsSync(join(state, 'state.json'))).toBe(false);
    expect(existsSync(join(state, 'last-run.json'))).toBe(true);
    const s = obsgen(['stack', 'status', 'e2e-cli', '--state', state]);
    expect(s.status).toBe(3);
    expect(s.stdout).toContain('not running');
  });
});
