/**
 * End to end: remote_write to a Prometheus-compatible store other than VictoriaMetrics. A
 * second Debian `prometheus` started with `--web.enable-remote-write-receiver` (the receiver
 * Mimir and Thanos receive implement too) takes the writes of an HA pair built by obsgen, with
 * its queue settings, on 127.0.0.1. A plain Prometheus does not deduplicate HA pairs, so the
 * pair keeps its replica label (`keepReplicaLabel: true`): each replica's series land as its own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildStack } from '../../src/stack/build.ts';
import { freePort, startStack, type StackHandle } from '../../src/stack/native/index.ts';
import { tempDir } from '../helpers.ts';
import { haProps, NODE_TARGETS } from '../ha/stacks.ts';
import { defineStack } from '../../src/index.ts';
import { getJson, sleep, waitFor } from './helpers.ts';

const work = tempDir('obsgen-e2e-rw-');
let receiver: ChildProcess | undefined;
let receiverUrl = '';
let h: StackHandle | undefined;

type Result = { metric: Record<string, string>; value: [number, string] }[];
const query = async (base: string, q: string, time?: number) =>
  (await getJson<{ data: { result: Result } }>(`${base}/api/v1/query?query=${encodeURIComponent(q)}${time ? `&time=${time}` : ''}`)).data.result;

beforeAll(async () => {
  // The receiver: a Prometheus that scrapes nothing and stores what is written to it.
  const port = await freePort();
  receiverUrl = `http://127.0.0.1:${port}`;
  const dir = join(work, 'receiver');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'prometheus.yml'), 'global: {}\n');
  receiver = spawn('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--web.enable-remote-write-receiver'], { stdio: 'ignore' });
  await waitFor('the receiving Prometheus ready', 30_000, async () => ((await fetch(`${receiverUrl}/-/ready`, { signal: AbortSignal.timeout(2000) })).ok ? true : undefined), 200);

  const props = haProps({
    name: 'rw-pair',
    prometheus: {
      scrapeInterval: '15s',
      evaluationInterval: '15s',
      externalLabels: { env: 'test' },
      replicas: 2,
      remoteWrite: [{ url: `${receiverUrl}/api/v1/write`, name: 'receiver', keepReplicaLabel: true, remoteTimeout: '5s', queue: { batchSendDeadline: '1s', maxSamplesPerSend: 200, minBackoff: '50ms', maxBackoff: '1s' } }],
    },
  });
  const out = join(work, 'out');
  const b = buildStack(defineStack({ ...props, alerting: { ...props.alerting!, peers: 1 } }), out);
  expect(b.ok, JSON.stringify(b.diagnostics.filter((d) => d.severity === 'error'))).toBe(true);
  h = await startStack(join(out, 'rw-pair'), { stateDir: join(work, 'state'), scrapeInterval: '1s', evaluationInterval: '1s' });
}, 180_000);

afterAll(async () => {
  await h?.stop();
  if (receiver?.pid && receiver.exitCode === null) {
    process.kill(receiver.pid, 'SIGTERM');
    await waitFor('the receiver stopped', 15_000, async () => (receiver!.exitCode !== null || receiver!.signalCode !== null ? true : undefined), 100).catch(() => process.kill(receiver!.pid!, 'SIGKILL'));
  }
});

describe('remote_write to a Prometheus with the remote-write receiver', () => {
  it("lands every replica's series, with the replica and external labels", async () => {
    const { value } = await waitFor('up{job="nodes"} of both replicas in the receiver', 60_000, async () => {
      const r = await query(receiverUrl, 'up{job="nodes"}');
      return r.length === 2 * NODE_TARGETS.length ? r : undefined;
    });
    expect(new Set(value.map((s) => s.metric.prometheus_replica))).toEqual(new Set(['0', '1']));
    for (const s of value) expect(s.metric.env).toBe('test');
  });

  it("holds the samples Prometheus has: the recorded sum at each second equals the replica's own", async () => {
    const prom = `http://127.0.0.1:${h!.port('prometheus-0')}`;
    // 15 s of recorded history in the replica, then 3 s for the last writes to arrive.
    await waitFor('15 s of job:up:sum in prometheus-0', 60_000, async () => {
      const r = await query(prom, 'count_over_time(job:up:sum{job="nodes"}[20s])');
      return Number(r[0]?.value[1] ?? 0) >= 18 ? true : undefined;
    });
    await sleep(3000);
    const now = Math.floor(Date.now() / 1000) - 3;
    let compared = 0;
    for (let t = now - 15; t <= now; t += 1) {
      const mine = await query(prom, 'job:up:sum{job="nodes"}', t);
      if (!mine.length) continue;
      const landed = await query(receiverUrl, 'job:up:sum{job="nodes",prometheus_replica="0"}', t);
      expect(landed.map((s) => s.value), `at ${t}`).toEqual(mine.map((s) => s.value));
      compared++;
    }
    expect(compared).toBeGreaterThan(8);
  });

  it('sends without failures or drops (the queue settings took)', async () => {
    for (const r of ['prometheus-0', 'prometheus-1']) {
      const prom = `http://127.0.0.1:${h!.port(r)}`;
      const sent = await query(prom, 'prometheus_remote_storage_samples_total{remote_name="receiver"}');
      expect(Number(sent[0]?.value[1] ?? 0), `${r} samples sent`).toBeGreaterThan(0);
      const failed = await query(prom, 'sum(prometheus_remote_storage_samples_failed_total{remote_name="receiver"}) + sum(prometheus_remote_storage_samples_dropped_total{remote_name="receiver"})');
      expect(failed[0]!.value[1], `${r} samples failed or dropped`).toBe('0');
      // The configuration the server runs with, as it loaded it.
      const loaded = parse((await getJson<{ data: { yaml: string } }>(`${prom}/api/v1/status/config`)).data.yaml) as { remote_write: { name: string; remote_timeout: string; queue_config: Record<string, unknown> }[] };
      const rw = loaded.remote_write.find((x) => x.name === 'receiver')!;
      expect(rw.remote_timeout).toBe('5s');
      expect(rw.queue_config).toMatchObject({ max_samples_per_send: 200, batch_send_deadline: '1s', min_backoff: '50ms', max_backoff: '1s' });
    }
  });
});
