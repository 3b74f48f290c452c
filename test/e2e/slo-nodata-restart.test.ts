/**
 * End to end, on the real Prometheus (Debian 2.42): an SLO's no-data alert keeps its schedule
 * across a restart. The alert is `absent_over_time(slo:sli_total:increase5m{...}[<noData.for>])`
 * with a short `for:` (2m): the wait for the absence is a range over the recorded history, which
 * the TSDB keeps across a restart, while Prometheus restores a `for:` shorter than
 * --rules.alert.for-grace-period (10m by default) from nothing. An `absent(...)` with the whole
 * wait in `for:` (3m here) would start again at the restart.
 *
 * The SLI's raw counter is backfilled into the TSDB so that it ends a few minutes before
 * Prometheus starts: the recorded 5m total exists for under a minute, then is absent. Prometheus
 * is restarted while the range is still waiting (the absence younger than noData.for), and the
 * alert must turn pending when the range says (last recorded total + noData.for), not later,
 * and fire `for:` after that. Prometheus listens on 127.0.0.1, every wait is bounded, and it is
 * stopped by pid.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { buildStack, defineStack, slo } from 'obsgen';
import { NATIVE } from '../../src/stack/native/catalog.ts';
import { freePort } from '../../src/stack/native/index.ts';
import { spawnManaged, stopProcess } from '../../src/stack/native/process.ts';
import { tempDir } from '../helpers.ts';
import { getJson, sleep, waitFor } from './helpers.ts';

const EVAL_S = 5;
const RANGE_S = 60;
const FOR_S = 120;

const stack = defineStack({
  name: 'nodata-restart',
  prometheus: { scrapeInterval: '15s', evaluationInterval: `${EVAL_S}s`, selfMonitoring: false },
  slos: [
    slo({
      service: 'api',
      name: 'availability',
      objective: 99.9,
      dashboard: false,
      sli: { events: { bad: 'app_requests_total{code="500"}', total: 'app_requests_total' } },
      alerting: { noData: { for: '1m' } },
    }),
  ],
  alerting: { receivers: {}, defaultInhibitRules: false },
});

let work: string;
let url: string;
let port: number;
let proc: { pid: number; startTime: string } | undefined;

interface PromAlert {
  labels: Record<string, string>;
  state: 'pending' | 'firing';
  activeAt: string;
}

async function start(tag: string): Promise<void> {
  proc = spawnManaged({
    name: 'prometheus',
    argv: [NATIVE.prometheus.binary!, `--config.file=${join(work, 'prometheus.yml')}`, `--storage.tsdb.path=${join(work, 'data')}`, ...NATIVE.prometheus.listenArgs!(port)],
    log: join(work, `prometheus-${tag}.log`),
    pidFile: join(work, 'prometheus.pid'),
    cwd: work,
  });
  await waitFor('Prometheus ready', 60_000, async () => ((await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined))?.ok ? true : undefined));
}

const noData = async () => (await getJson<{ data: { alerts: PromAlert[] } }>(`${url}/api/v1/alerts`)).data.alerts.find((a) => a.labels.alertname === 'ApiAvailabilitySLONoData');

async function query(expr: string): Promise<number | undefined> {
  const r = await getJson<{ data: { result: { value: [number, string] }[] } }>(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const v = r.data.result[0]?.value[1];
  return v === undefined ? undefined : Number(v);
}

beforeAll(async () => {
  work = tempDir('obsgen-nodata-restart-');
  const out = join(work, 'out');
  const built = buildStack(stack, out, { verify: false });
  expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const rules = join(out, 'nodata-restart/prometheus/rules/slo-api-availability.rules.yml');
  writeFileSync(join(work, 'prometheus.yml'), stringify({ global: { evaluation_interval: `${EVAL_S}s` }, rule_files: [rules] }));
  // The raw counter, every 10s from 10m to 3m20s before now: the 5m read records a total for
  // about the first 90 seconds of Prometheus's life, then the series is absent.
  const now = Math.floor(Date.now() / 1000);
  const lines = ['# TYPE app_requests counter'];
  for (let t = now - 600, v = 0; t <= now - 200; t += 10, v += 50) lines.push(`app_requests_total{code="200"} ${v} ${t}`);
  writeFileSync(join(work, 'raw.om.txt'), `${lines.join('\n')}\n# EOF\n`);
  mkdirSync(join(work, 'data'));
  const r = spawnSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', join(work, 'raw.om.txt'), join(work, 'data')], { encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  port = await freePort();
  url = `http://127.0.0.1:${port}`;
  await start('first');
}, 120_000);

afterAll(async () => {
  if (proc) await stopProcess(proc.pid, proc.startTime);
});

describe('the no-data alert across a Prometheus restart', () => {
  it('turns pending when the recorded history says, and fires for: after, though Prometheus restarted during the wait', async () => {
    const total = 'slo:sli_total:increase5m{service="api",slo="availability"}';
    // The recorded total exists, then goes absent (the raw samples leave the 5m range).
    await waitFor('the 5m total recorded', 60_000, async () => ((await query(total)) !== undefined ? true : undefined), 1000);
    await waitFor('the 5m total absent', 120_000, async () => ((await query(total)) === undefined ? true : undefined), 1000);
    const last = (await query(`timestamp(last_over_time(${total}[10m]))`))!;
    expect(last).toBeGreaterThan(0);
    // Restart while the range still waits, 40s into it (the absence younger than noData.for).
    expect(Date.now() / 1000 - last).toBeLessThan(RANGE_S - 20);
    await sleep(Math.max(0, (last + 40) * 1000 - Date.now()));
    expect(await noData()).toBeUndefined();
    await stopProcess(proc!.pid, proc!.startTime);
    await start('restarted');
    const restarted = Date.now() / 1000;
    expect(restarted - last).toBeLessThan(RANGE_S);
    // Pending when the range says (the last recorded total + noData.for, within an evaluation:
    // the restarted groups evaluate at a phase of their own).
    const pending = await waitFor('pending', (RANGE_S + 30) * 1000, async () => ((await noData())?.state === 'pending' ? await noData() : undefined), 1000);
    const activeAt = Date.parse(pending.value.activeAt) / 1000;
    expect(activeAt - last).toBeGreaterThanOrEqual(RANGE_S - EVAL_S);
    expect(activeAt - last).toBeLessThanOrEqual(RANGE_S + EVAL_S + 1);
    // Firing `for:` after that: the restart moved nothing.
    const firing = await waitFor('firing', (FOR_S + 30) * 1000, async () => ((await noData())?.state === 'firing' ? await noData() : undefined), 1000);
    expect(Date.parse(firing.value.activeAt) / 1000).toBe(activeAt);
    const firedAt = Date.now() / 1000;
    expect(firedAt - activeAt).toBeGreaterThanOrEqual(FOR_S);
    expect(firedAt - activeAt).toBeLessThanOrEqual(FOR_S + EVAL_S + 3);
    // In all, noData.for + for: after the last total, as without a restart (an absent() with
    // the whole wait in for: would have started it again at the restart).
    expect(firedAt - last).toBeLessThanOrEqual(RANGE_S + FOR_S + 2 * EVAL_S + 4);
    expect(firedAt - restarted).toBeLessThan(RANGE_S + FOR_S - 25);
  }, 420_000);
});
