/**
 * End to end: the HA / scale-out layouts of docs/ha.md on the Debian binaries, started by
 * the native runner on 127.0.0.1 (what `obsgen stack up` runs).
 *
 * ha-pair: 2 Prometheus replicas, 3 Alertmanager peers (peer timeout 2s in the stack),
 * VictoriaMetrics as the long-term store; six node exporters as the `nodes` job. An alert
 * is made to fire by stopping a node exporter (NodeDown, `up == 0`).
 * ha-shards: 2 shards of 2 replicas; NodeDown on the shards (shardLocalRules), the recording
 * rules on 2 vmalerts over VictoriaMetrics.
 *
 * Runtime timing (runtime copy only): scrape and evaluation 1s, for: capped at 1s,
 * group_wait 1s, group_interval 2s, repeat_interval 1h (so a second notification of one
 * alert could only be a duplicate).
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStack } from '../../src/stack/build.ts';
import { freePort, isAlive, startStack, webhookSinkCommand, type StackHandle } from '../../src/stack/native/index.ts';
import { tempDir } from '../helpers.ts';
import { haStack, NODE_TARGETS, shardedPairsStack } from '../ha/stacks.ts';
import { getJson, notifications, sleep, waitFor } from './helpers.ts';

const t0 = Date.now();
const timings: Record<string, number> = {};
const GROUP_INTERVAL_MS = 2000;
const PEER_TIMEOUT_MS = 2000;
/** Long enough for every peer to have had its turn (position x peer timeout) and a few group intervals. */
const SETTLE_MS = 3 * PEER_TIMEOUT_MS + 3 * GROUP_INTERVAL_MS;

const work = tempDir('obsgen-e2e-ha-');
const started: { pid: number; startTime: string }[] = [];

async function up(stack: ReturnType<typeof haStack>, name: string): Promise<{ h: StackHandle; sink: string }> {
  const out = join(work, 'out');
  const b = buildStack(stack, out);
  expect(b.ok, JSON.stringify(b.diagnostics.filter((d) => d.severity === 'error'))).toBe(true);
  // Sharded stacks evaluate their rules on vmalert: the build checked them there.
  if (stack.props.prometheus?.shards && stack.props.prometheus.shards > 1) expect(b.verify?.ran.map((r) => `${r.tool}: ${r.ok ? 'ok' : r.output}`)).toContain('vmalert -dryRun: ok');
  const sinkPort = await freePort();
  const s = Date.now();
  const h = await startStack(join(out, name), {
    stateDir: join(work, `state-${name}`),
    extra: [{ name: 'webhook-sink', command: webhookSinkCommand(), port: sinkPort }],
    webhookUrl: 'http://127.0.0.1:{port:webhook-sink}/alertmanager',
    scrapeInterval: '1s',
    evaluationInterval: '1s',
    maxFor: '1s',
    groupWait: '1s',
    groupInterval: `${GROUP_INTERVAL_MS / 1000}s`,
    repeatInterval: '1h',
  });
  timings[`${name} start`] = Date.now() - s;
  started.push(...h.processes.map((p) => ({ pid: p.pid, startTime: p.startTime })));
  return { h, sink: `http://127.0.0.1:${sinkPort}` };
}

const url = (h: StackHandle, name: string) => `http://127.0.0.1:${h.port(name)}`;
const addressOf = (h: StackHandle, target: string) => h.addresses[target]!;

/** Stops one process the runner started, by its pid, and waits until it is gone. */
async function kill(h: StackHandle, name: string): Promise<void> {
  const p = h.processes.find((x) => x.name === name)!;
  process.kill(p.pid, 'SIGKILL');
  await waitFor(`${name} gone`, 10_000, async () => (isAlive(p.pid, p.startTime) ? undefined : true), 100);
}

/** Firing notifications of NodeDown for one instance, as the webhook received them. */
async function firingFor(sink: string, instance: string) {
  return (await notifications(sink)).filter((n) => n.status === 'firing' && n.labels.alertname === 'NodeDown' && n.labels.instance === instance);
}

/** Stop a node exporter and wait for its first notification; then make sure no second one comes. */
async function exactlyOnce(h: StackHandle, sink: string, node: string, replicas: string[]): Promise<{ deliveredMs: number; labels: Record<string, string> }> {
  const instance = addressOf(h, node);
  const s = Date.now();
  await kill(h, node.split(':')[0]!);
  // Fires in every live replica, each sending it to every Alertmanager peer.
  for (const r of replicas) {
    await waitFor(`NodeDown ${instance} firing in ${r}`, 30_000, async () => {
      const a = await getJson<{ data: { alerts: { labels: Record<string, string>; state: string }[] } }>(`${url(h, r)}/api/v1/alerts`);
      return a.data.alerts.some((x) => x.labels.instance === instance && x.state === 'firing') ? true : undefined;
    });
  }
  const { ms } = await waitFor(`notification for ${instance}`, 30_000, async () => ((await firingFor(sink, instance)).length ? true : undefined));
  const deliveredMs = Date.now() - s;
  await sleep(SETTLE_MS);
  const rows = await firingFor(sink, instance);
  expect(rows, `notifications for ${instance} within ${SETTLE_MS} ms after the first (${ms} ms)`).toHaveLength(1);
  return { deliveredMs, labels: rows[0]!.labels };
}

afterAll(async () => {
  for (const s of ['ha-shards', 'ha-pair']) {
    const dir = join(work, `state-${s}`);
    if (existsSync(join(dir, 'state.json'))) await (await import('../../src/stack/native/index.ts')).stopStack(dir);
  }
  // Every process the runner started is gone, whatever happened above.
  for (const p of started) expect(isAlive(p.pid, p.startTime), `pid ${p.pid} still alive`).toBe(false);
  rmSync(work, { recursive: true, force: true });
  console.log(`e2e ha: ${((Date.now() - t0) / 1000).toFixed(1)} s wall; ${Object.entries(timings).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`).join(', ')}`);
});

describe('shards on native Prometheus, rules on vmalert over VictoriaMetrics', () => {
  let h: StackHandle;
  let sink: string;
  beforeAll(async () => {
    ({ h, sink } = await up(shardedPairsStack(), 'ha-shards'));
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('scrapes every target on exactly one shard (both replicas of a shard scrape its share)', async () => {
    const shards = ['prometheus-s0-0', 'prometheus-s1-0'];
    const expected = [...NODE_TARGETS.map((t) => addressOf(h, t))].sort();
    const { value: byShard, ms } = await waitFor('every shard has loaded its targets', 30_000, async () => {
      const lists = await Promise.all(
        shards.map(async (s) => (await getJson<{ data: { activeTargets: { labels: { job: string; instance: string } }[] } }>(`${url(h, s)}/api/v1/targets?state=active`)).data.activeTargets),
      );
      const nodes = lists.map((l) => l.filter((t) => t.labels.job === 'nodes').map((t) => t.labels.instance));
      return nodes.flat().length >= expected.length ? { lists, nodes } : undefined;
    });
    timings['shards: targets assigned'] = ms;
    expect(byShard.nodes.flat().sort()).toEqual(expected);
    // Every job, not only `nodes`: no target on two shards.
    const all = byShard.lists.flat().map((t) => `${t.labels.job} ${t.labels.instance}`);
    expect(new Set(all).size).toBe(all.length);
    expect(byShard.lists.filter((l) => l.length > 0).length).toBeGreaterThan(1);
    for (const [i, s] of shards.entries()) {
      const twin = s.replace(/-0$/, '-1');
      const { value: twinTargets } = await waitFor(`${twin} has loaded its targets`, 30_000, async () => {
        const l = (await getJson<{ data: { activeTargets: { labels: { job: string; instance: string } }[] } }>(`${url(h, twin)}/api/v1/targets?state=active`)).data.activeTargets;
        return l.length >= byShard.lists[i]!.length ? l : undefined;
      });
      expect(twinTargets.map((t) => `${t.labels.job} ${t.labels.instance}`).sort(), twin).toEqual(byShard.lists[i]!.map((t) => `${t.labels.job} ${t.labels.instance}`).sort());
    }
  });

  it('evaluates the rules once over the whole picture: vmalert records the sum of every shard', async () => {
    const vm = url(h, 'victoriametrics');
    const { value, ms } = await waitFor('job:up:sum in VictoriaMetrics', 60_000, async () => {
      const r = await getJson<{ data: { result: { metric: Record<string, string>; value: [number, string] }[] } }>(`${vm}/api/v1/query?query=${encodeURIComponent('job:up:sum{job="nodes"}')}`);
      return r.data.result.length && r.data.result[0]!.value[1] === String(NODE_TARGETS.length) ? r.data.result : undefined;
    });
    timings['shards: recorded by vmalert'] = ms;
    expect(value).toHaveLength(1);
  });

  it('alerts from the shard that scrapes the target (shardLocalRules), once, from both of its replicas', async () => {
    const node = 'node-f:9100';
    const address = addressOf(h, node);
    const shard = await Promise.all(
      ['prometheus-s0-0', 'prometheus-s1-0'].map(async (s) => (await getJson<{ data: { activeTargets: { labels: { instance: string } }[] } }>(`${url(h, s)}/api/v1/targets?state=active`)).data.activeTargets.some((t) => t.labels.instance === address)),
    );
    expect(shard.filter(Boolean)).toHaveLength(1);
    const s = shard.indexOf(true);
    const r = await exactlyOnce(h, sink, node, [`prometheus-s${s}-0`, `prometheus-s${s}-1`]);
    timings['shards: shard-local notification'] = r.deliveredMs;
    expect(r.labels.prometheus_replica).toBeUndefined();
    // The other shard has no such alert, and vmalert does not evaluate the group.
    const other = await getJson<{ data: { alerts: { labels: Record<string, string> }[] } }>(`${url(h, `prometheus-s${1 - s}-0`)}/api/v1/alerts`);
    expect((other.data.alerts ?? []).filter((a) => a.labels.alertname === 'NodeDown')).toEqual([]);
    const onVmalert = await getJson<{ data: { alerts: { labels: Record<string, string> }[] } }>(`${url(h, 'vmalert-0')}/api/v1/alerts`);
    // vmalert answers `alerts: null` when it has none.
    expect((onVmalert.data.alerts ?? []).filter((a) => a.labels.alertname === 'NodeDown')).toEqual([]);
  });

  it('runs a vmalert per replica, both evaluating, and the store keeps one recorded sample per evaluation', async () => {
    const vm = url(h, 'victoriametrics');
    for (const v of ['vmalert-0', 'vmalert-1']) {
      await waitFor(`${v} evaluating`, 30_000, async () => {
        const text = await (await fetch(`${url(h, v)}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
        const m = /^vmalert_iteration_total\{[^}]*\} (\d+)/m.exec(text) ?? /^vmalert_iteration_total (\d+)/m.exec(text);
        return m && Number(m[1]) > 3 ? true : undefined;
      });
    }
    // Both write job:up:sum at the same aligned timestamps; with dedup, one sample a second (evaluation 1s), not two.
    const windowS = 20;
    await sleep(windowS * 1000 / 2);
    const end = Math.floor(Date.now() / 1000) - 2;
    const res = await getJson<{ data: { result: { metric: Record<string, string>; value: [number, string] }[] } }>(
      `${vm}/api/v1/query?query=${encodeURIComponent(`count_over_time(job:up:sum{job="nodes"}[${windowS}s])`)}&time=${end}`,
    );
    expect(res.data.result).toHaveLength(1);
    expect(Number(res.data.result[0]!.value[1]), `recorded samples in ${windowS} s`).toBeLessThanOrEqual(windowS + 1);
    expect(Number(res.data.result[0]!.value[1]), `recorded samples in ${windowS} s`).toBeGreaterThanOrEqual(windowS / 2);
  });
});

describe('a replica pair and a 3-peer Alertmanager cluster, writing to VictoriaMetrics', () => {
  let h: StackHandle;
  let sink: string;
  beforeAll(async () => {
    ({ h, sink } = await up(haStack({ alerting: { ...(haStack().props.alerting as object), peerTimeout: `${PEER_TIMEOUT_MS / 1000}s` } } as never), 'ha-pair'));
    // The peers have found each other before anything fires.
    await waitFor('a 3-peer cluster', 30_000, async () => {
      const s = await getJson<{ cluster: { status: string; peers: unknown[] } }>(`${url(h, 'alertmanager-0')}/api/v2/status`);
      return s.cluster.peers.length === 3 && s.cluster.status === 'ready' ? true : undefined;
    });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('delivers an alert firing in both replicas exactly once, without the replica label', async () => {
    const r = await exactlyOnce(h, sink, 'node-a:9100', ['prometheus-0', 'prometheus-1']);
    timings['pair: first notification'] = r.deliveredMs;
    expect(r.labels.prometheus_replica).toBeUndefined();
    expect(r.labels.env).toBe('test');
    // One alert in every peer, not one per replica.
    for (const am of ['alertmanager-0', 'alertmanager-1', 'alertmanager-2']) {
      const alerts = await getJson<{ labels: Record<string, string> }[]>(`${url(h, am)}/api/v2/alerts?filter=${encodeURIComponent('alertname="NodeDown"')}`);
      expect(alerts.filter((a) => a.labels.instance === addressOf(h, 'node-a:9100')), am).toHaveLength(1);
    }
  });

  it('still delivers exactly once with one Alertmanager peer down', async () => {
    await kill(h, 'alertmanager-0');
    const r = await exactlyOnce(h, sink, 'node-b:9100', ['prometheus-0', 'prometheus-1']);
    timings['pair: notification with a peer down'] = r.deliveredMs;
  });

  it('still delivers with one Prometheus replica down', async () => {
    await kill(h, 'prometheus-0');
    const r = await exactlyOnce(h, sink, 'node-c:9100', ['prometheus-1']);
    timings['pair: notification with a replica down'] = r.deliveredMs;
  });

  it('lands remote_write in VictoriaMetrics: one series, the value Prometheus has (within one scrape)', async () => {
    const prom = url(h, 'prometheus-1');
    const vm = url(h, 'victoriametrics');
    const at = async (base: string, query: string, time: number) => {
      const r = await getJson<{ data: { result: { metric: Record<string, string>; value: [number, string] }[] } }>(`${base}/api/v1/query?query=${encodeURIComponent(query)}&time=${time}`);
      return r.data.result;
    };
    const now = Math.floor(Date.now() / 1000) - 3;
    let compared = 0;
    // Across the last 30 s: while nodes went down, so the value changes on the way.
    const seen = new Set<string>();
    for (let t = now - 30; t <= now; t += 3) {
      const fromVm = await at(vm, 'job:up:sum{job="nodes"}', t);
      const fromProm = await at(prom, 'job:up:sum{job="nodes"}', t);
      if (!fromProm.length) continue;
      expect(fromVm, `VictoriaMetrics at ${t}`).toHaveLength(1);
      expect(fromVm[0]!.metric.prometheus_replica).toBeUndefined();
      const neighbours = new Set<string>();
      for (const dt of [-1, 0, 1]) for (const x of await at(prom, 'job:up:sum{job="nodes"}', t + dt)) neighbours.add(x.value[1]);
      expect([...neighbours], `Prometheus around ${t}`).toContain(fromVm[0]!.value[1]);
      seen.add(fromVm[0]!.value[1]);
      compared++;
    }
    expect(compared).toBeGreaterThan(5);
    expect(seen.size, 'the value changed while nodes went down').toBeGreaterThan(1);
  });

  it('loses and doubles nothing across a stack reload', async () => {
    const vm = url(h, 'victoriametrics');
    const before = (await notifications(sink)).length;
    const reloadAt = Math.floor(Date.now() / 1000);
    const r = await h.reload();
    expect(r).toEqual({ ok: true, reloaded: ['alertmanager-1', 'alertmanager-2', 'prometheus-1'] });
    // Nothing doubled: the alerts already notified are not sent again.
    await sleep(SETTLE_MS);
    expect((await notifications(sink)).length).toBe(before);
    // Nothing lost: a new alert after the reload arrives, once.
    const n = await exactlyOnce(h, sink, 'node-d:9100', ['prometheus-1']);
    timings['pair: notification after reload'] = n.deliveredMs;
    // One sample per scrape interval in the store across the reload: no gap, no duplicates.
    const end = Math.floor(Date.now() / 1000) - 2;
    const windowS = end - (reloadAt - 5);
    const series = `up{job="nodes",instance="${addressOf(h, 'node-e:9100')}"}`;
    const res = await getJson<{ data: { result: { value: [number, string] }[] } }>(`${vm}/api/v1/query?query=${encodeURIComponent(`count_over_time(${series}[${windowS}s])`)}&time=${end}`);
    const samples = Number(res.data.result[0]!.value[1]);
    expect(samples, `samples in ${windowS} s`).toBeGreaterThanOrEqual(windowS - 2);
    expect(samples, `samples in ${windowS} s`).toBeLessThanOrEqual(windowS + 1);
  });
});
