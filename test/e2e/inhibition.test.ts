/**
 * End to end: inhibition on the real Alertmanager (Debian prometheus-alertmanager 0.25) with
 * an alertmanager.yml obsgen emits. Issue 12 item 9: a rule whose `equal` label the source
 * carries and the target cannot never mutes, however tested it looked. Here:
 *
 * - every inhibition case obsgen pins in routes.test.json (built from the label sets the
 *   stack's alerts really carry) is posted to Alertmanager, and its verdict must agree;
 * - a rule obsgen's build refuses (NodeDown -> DiskLowByJob, equal [instance]) is added to the
 *   emitted config by hand, and Alertmanager indeed never mutes the pair, while the rule with
 *   an equal label both sides carry (NodeDown -> NetworkErrorsByJob, equal [job]) does.
 *
 * Alertmanager listens on 127.0.0.1 only, every wait is bounded, and it is stopped by pid.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineStack, trySynth } from 'obsgen';
import { whyNeverMutes, type InhibitionCase } from '../../src/alertmanager/inhibit.ts';
import type { Bundle } from '../../src/stack/bundle.ts';
import { alertmanagerFile } from '../../src/emit/alertmanager.ts';
import { NATIVE } from '../../src/stack/native/catalog.ts';
import { freePort } from '../../src/stack/native/index.ts';
import { spawnManaged, stopProcess } from '../../src/stack/native/process.ts';
import { alertLabels, bundleLabelFlow } from '../../src/stack/labelflow.ts';
import { tempDir } from '../helpers.ts';
import { getJson, sleep, waitFor } from './helpers.ts';

interface AmAlert {
  labels: Record<string, string>;
  fingerprint: string;
  status: { state: string; inhibitedBy: string[] };
}

const quiet = (series: string) => ({ name: 'quiet', series: [{ series, values: '1x10' }], at: '6m', firing: [] });
const free = (name: string, expr: string, severity: 'critical' | 'warning', series: string, firing: Record<string, string>) => ({
  name,
  expr,
  for: '5m',
  severity,
  summary: name,
  description: name,
  tests: [{ name: 'fires', series: [{ series, values: '0+600x10' }], at: '6m', firing: [{ labels: firing, value: 10 }] }, quiet(series)],
});

const props = {
  name: 'inhibition-e2e',
  scrapeJobs: [{ name: 'node', targets: ['node-exporter:9100'], exporter: 'node_exporter' }],
  alerts: [
    { ...free('NodeDown', 'up{job="node"} == 0', 'critical', 'up{job="node",instance="n1"}', { __name__: 'up', job: 'node', instance: 'n1' }), tests: [{ name: 'fires', series: [{ series: 'up{job="node",instance="n1"}', values: '0x10' }], at: '6m', firing: [{ labels: { __name__: 'up', job: 'node', instance: 'n1' }, value: 0 }] }, quiet('up{job="node",instance="n1"}')] },
    free('NetworkErrorsByJob', 'sum by (job) (rate(node_network_receive_errs_total{job="node"}[5m])) > 1', 'warning', 'node_network_receive_errs_total{job="node",instance="n1",device="eth0"}', { job: 'node' }),
    free('DiskLowByJob', 'sum by (job) (rate(node_disk_io_time_seconds_total{job="node"}[5m])) > 1', 'warning', 'node_disk_io_time_seconds_total{job="node",instance="n1",device="sda"}', { job: 'node' }),
  ],
  alerting: {
    receivers: { team: { webhook: { url: 'http://127.0.0.1:9/hook' } } },
    routes: [{ match: { severity: 'critical' }, receiver: 'team' }, { match: { severity: 'warning' }, receiver: 'team' }],
    inhibitRules: [{ source: { alertname: 'NodeDown' }, target: { alertname: 'NetworkErrorsByJob' }, equal: ['job'] }] as { source: Record<string, string>; target: Record<string, string>; equal: string[] }[],
  },
};
const deadRule = { source: { alertname: 'NodeDown' }, target: { alertname: 'DiskLowByJob' }, equal: ['instance'] };

const DEAD = { sourceMatchers: [{ name: 'alertname', op: '=' as const, value: 'NodeDown' }], targetMatchers: [{ name: 'alertname', op: '=' as const, value: 'DiskLowByJob' }], equal: ['instance'], source: 'test' };

let work: string;
let bundle: Bundle;
let am: string;
let proc: { pid: number; startTime: string } | undefined;

beforeAll(async () => {
  work = tempDir('obsgen-inhibit-e2e-');
  const r = trySynth(defineStack(props as never));
  expect(r.diagnostics.errors).toEqual([]);
  bundle = r.bundle!;
  // The build refuses DEAD; added to the emitted config by hand to show what Alertmanager does with it.
  const withDead = trySynth(defineStack({ ...props, alerting: { ...props.alerting, inhibitRules: [...props.alerting.inhibitRules, deadRule] } } as never));
  expect(withDead.diagnostics.errors.map((d) => d.code)).toEqual(['inhibit-dead']);
  const file = join(work, 'alertmanager.yml');
  writeFileSync(file, alertmanagerFile({ ...bundle, inhibitRules: [...bundle.inhibitRules, DEAD] }));
  mkdirSync(join(work, 'data'));
  const port = await freePort();
  am = `http://127.0.0.1:${port}`;
  proc = spawnManaged({
    name: 'alertmanager',
    argv: [NATIVE.alertmanager.binary!, `--config.file=${file}`, `--storage.path=${join(work, 'data')}`, ...NATIVE.alertmanager.listenArgs!(port)],
    log: join(work, 'alertmanager.log'),
    pidFile: join(work, 'alertmanager.pid'),
    cwd: work,
  });
  await waitFor('Alertmanager ready', 30_000, async () => ((await fetch(`${am}/-/ready`, { signal: AbortSignal.timeout(2000) })).ok ? true : undefined));
});

afterAll(async () => {
  if (proc) await stopProcess(proc.pid, proc.startTime);
});

const alerts = () => getJson<AmAlert[]>(`${am}/api/v2/alerts`);
const key = (l: Record<string, string>) => JSON.stringify(Object.keys(l).sort().map((k) => [k, l[k]]));
/** POST /api/v2/alerts (it answers 200 with an empty body). */
async function post(labels: Record<string, string>[], endsInMs: number): Promise<void> {
  const body = labels.map((l) => ({ labels: l, annotations: {}, startsAt: new Date(Date.now() - 60_000).toISOString(), endsAt: new Date(Date.now() + endsInMs).toISOString() }));
  const r = await fetch(`${am}/api/v2/alerts`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(5000) });
  if (!r.ok) throw new Error(`POST /api/v2/alerts: HTTP ${r.status} ${await r.text()}`);
}

/**
 * Posts source and target, and returns the target's state once Alertmanager has seen the
 * source (its inhibitor reads sources from a subscription, so that takes a moment): muted as
 * soon as it is, else still active after 2 s of polling. Resolves both alerts afterwards.
 */
async function verdict(source: Record<string, string>, target: Record<string, string>): Promise<{ state: string; inhibitedBy: string[]; sourceFp: string }> {
  await post([source, target], 10 * 60_000);
  try {
    const seen = await waitFor('both alerts in Alertmanager', 15_000, async () => {
      const list = await alerts();
      const s = list.find((a) => key(a.labels) === key(source));
      const t = list.find((a) => key(a.labels) === key(target));
      return s && t ? { s, t } : undefined;
    });
    const deadline = Date.now() + 2000;
    let t = seen.value.t;
    while (t.status.state !== 'suppressed' && Date.now() < deadline) {
      await sleep(200);
      t = (await alerts()).find((a) => key(a.labels) === key(target)) ?? t;
    }
    return { state: t.status.state, inhibitedBy: t.status.inhibitedBy, sourceFp: seen.value.s.fingerprint };
  } finally {
    // Resolved alerts no longer inhibit (Alertmanager skips them), so cases do not interfere.
    await post([source, target], -1000);
    await waitFor('alerts resolved', 15_000, async () => ((await alerts()).some((a) => key(a.labels) === key(source) || key(a.labels) === key(target)) ? undefined : true));
  }
}

describe('inhibition on the real Alertmanager', () => {
  it('agrees with every inhibition case obsgen pins in routes.test.json', async () => {
    const cases: InhibitionCase[] = bundle.inhibitionTests;
    const mine = cases.filter((c) => c.rule === bundle.inhibitRules.length - 1);
    expect(mine.map((c) => c.inhibited)).toEqual([true, false]);
    for (const c of cases) {
      const v = await verdict(c.source, c.target);
      expect({ case: c.name, muted: v.state === 'suppressed' }).toEqual({ case: c.name, muted: c.inhibited });
      if (c.inhibited) expect(v.inhibitedBy).toEqual([v.sourceFp]);
    }
  });

  it('never mutes a target that cannot carry an equal label the source carries; mutes on a label both carry', async () => {
    const flow = bundleLabelFlow(bundle);
    const shapes = alertLabels(bundle, flow);
    expect(whyNeverMutes(DEAD, shapes)).toContain('target alerts DiskLowByJob cannot carry instance');
    // The label sets these alerts carry: NodeDown keeps up's job and instance; the others sum by job.
    const nodeDown = { alertname: 'NodeDown', job: 'node', instance: 'n1', severity: 'critical', service: 'inhibition-e2e' };
    const disk = { alertname: 'DiskLowByJob', job: 'node', severity: 'warning', service: 'inhibition-e2e' };
    const net = { alertname: 'NetworkErrorsByJob', job: 'node', severity: 'warning', service: 'inhibition-e2e' };
    for (const [name, labels] of [['NodeDown', nodeDown], ['DiskLowByJob', disk], ['NetworkErrorsByJob', net]] as const) {
      const shape = shapes.find((s) => s.name === name)!;
      expect(Object.keys(labels).filter((l) => !(l in shape.static)).sort(), name).toEqual([...(shape.dynamic.always ?? [])].sort());
    }
    const dead = await verdict(nodeDown, disk);
    expect(dead).toMatchObject({ state: 'active', inhibitedBy: [] });
    const muting = await verdict(nodeDown, net);
    expect(muting.state).toBe('suppressed');
    expect(muting.inhibitedBy).toEqual([muting.sourceFp]);
  });
});
