/** Helpers for the end-to-end tests: HTTP polling with bounds, a load generator, the CLI. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { parse } from 'yaml';
import { isAlive, stopStack } from '../../src/stack/native/index.ts';
import { tempDir } from '../helpers.ts';

export const ROOT = new URL('../../', import.meta.url).pathname;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function getJson<T = any>(url: string): Promise<T> {
  const r = await fetch(url, { signal: AbortSignal.timeout(5000) });
  if (!r.ok) throw new Error(`GET ${url}: HTTP ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}

export async function postJson(url: string, body: unknown): Promise<unknown> {
  const r = await fetch(url, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(5000) });
  if (!r.ok) throw new Error(`POST ${url}: HTTP ${r.status} ${await r.text()}`);
  return r.json();
}

/**
 * Poll until check returns a value (not undefined), at most timeoutMs. On timeout the error
 * carries the last observation so a failure says what was seen.
 */
export async function waitFor<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>, everyMs = 500): Promise<{ value: T; ms: number }> {
  const t0 = Date.now();
  let last: unknown;
  while (Date.now() - t0 < timeoutMs) {
    try {
      const v = await check();
      if (v !== undefined) return { value: v, ms: Date.now() - t0 };
      last = 'condition not met';
    } catch (e) {
      last = (e as Error).message;
    }
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${typeof last === 'string' ? last : JSON.stringify(last)}`);
}

/** Requests to url from `workers` loops, each pausing pauseMs between requests. */
export function startLoad(url: string) {
  let settings = { workers: 0, pauseMs: 0 };
  let stopped = false;
  let sent = 0;
  let errors = 0;
  const loops: Promise<void>[] = [];
  const loop = async (i: number) => {
    while (!stopped) {
      if (i >= settings.workers) {
        await sleep(50);
        continue;
      }
      try {
        const r = await fetch(url, { signal: AbortSignal.timeout(5000) });
        await r.arrayBuffer();
        sent++;
      } catch {
        errors++;
      }
      if (settings.pauseMs) await sleep(settings.pauseMs);
    }
  };
  const MAX = 32;
  for (let i = 0; i < MAX; i++) loops.push(loop(i));
  return {
    set(s: { workers: number; pauseMs: number }) {
      settings = { workers: Math.min(s.workers, MAX), pauseMs: s.pauseMs };
    },
    get sent() {
      return sent;
    },
    get errors() {
      return errors;
    },
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

export function obsgen(args: string[], cwd = ROOT) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/obsgen.js'), ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Rules in a bundle's rule files: { name, type } per rule, in file order. */
export function bundleRules(bundleDir: string): { name: string; type: 'alerting' | 'recording'; group: string }[] {
  const dir = join(bundleDir, 'prometheus/rules');
  const out: { name: string; type: 'alerting' | 'recording'; group: string }[] = [];
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.rules.yml')).sort()) {
    const doc = parse(readFileSync(join(dir, f), 'utf8')) as { groups: { name: string; rules: { alert?: string; record?: string }[] }[] };
    for (const g of doc.groups) for (const r of g.rules) out.push({ name: (r.alert ?? r.record)!, type: r.alert ? 'alerting' : 'recording', group: g.name });
  }
  return out;
}

export interface WebhookAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
}
export interface WebhookPayload {
  receiver: string;
  status: string;
  alerts: WebhookAlert[];
  groupLabels: Record<string, string>;
}

/** Notifications the sink received: one row per alert in each payload. */
export async function notifications(sinkUrl: string): Promise<{ receiver: string; status: string; labels: Record<string, string>; annotations: Record<string, string> }[]> {
  const rows = await getJson<{ payload: WebhookPayload }[]>(`${sinkUrl}/received`);
  return rows.flatMap((r) => r.payload.alerts.map((a) => ({ receiver: r.payload.receiver, status: a.status, labels: a.labels, annotations: a.annotations })));
}

/** A Prometheus metric value from /metrics text (first sample of that name). */
export async function metricValue(baseUrl: string, name: string): Promise<number | undefined> {
  const text = await (await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line ? Number(line.split(' ').at(-1)) : undefined;
}

/**
 * A stack file built once for the file's tests (beforeAll), and after them (afterAll) whatever
 * `obsgen stack up` recorded in `state` stopped, every pid the test tracked checked gone, and
 * the folder removed.
 */
export function builtStackFile(name: string, source: string): { work: string; out: string; state: string; track: (pids: { pid: number; startTime: string }[]) => void } {
  const work = tempDir(`obsgen-e2e-${name}-`);
  const fixture = { work, out: join(work, 'out'), state: join(work, 'state'), track: (p: { pid: number; startTime: string }[]) => void (pids = p) };
  let pids: { pid: number; startTime: string }[] = [];
  beforeAll(() => {
    mkdirSync(join(work, 'stacks'));
    writeFileSync(join(work, `stacks/${name}.ts`), source);
    const b = obsgen(['build', '--file', join(work, `stacks/${name}.ts`), '--out', fixture.out]);
    expect(b.status, b.stderr).toBe(0);
  });
  afterAll(async () => {
    // Whatever failed: stop what is recorded, then check every pid is gone.
    await stopStack(fixture.state);
    for (const p of pids) expect(isAlive(p.pid, p.startTime), `pid ${p.pid}`).toBe(false);
    rmSync(work, { recursive: true, force: true });
  });
  return fixture;
}

/** Runs a command without blocking the test worker (vitest's RPC needs its event loop). */
export function sh(cmd: string, args: string[], cwd: string, timeoutMs = 240_000): Promise<{ status: number | null; out: string }> {
  return new Promise((done) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, npm_config_update_notifier: 'false' }, timeout: timeoutMs });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (status) => done({ status, out }));
  });
}
