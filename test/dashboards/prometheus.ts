/** Starts Debian's prometheus on a free 127.0.0.1 port, scraping itself every second; stop() kills it by pid. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers.ts';
import { freePort } from '../../src/stack/native/ports.ts';


export interface RunningPrometheus {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export interface PrometheusOptions {
  /** Extra static jobs: name -> host:port. */
  jobs?: Record<string, string>;
  /** Rule files to load. */
  ruleFiles?: string[];
}

export async function startPrometheus(o: PrometheusOptions = {}): Promise<RunningPrometheus> {
  const dir = tempDir('obsgen-prom-');
  const port = await freePort();
  const addr = `127.0.0.1:${port}`;
  mkdirSync(join(dir, 'data'));
  writeFileSync(
    join(dir, 'prometheus.yml'),
    [
      'global:\n  scrape_interval: 1s\n  evaluation_interval: 1s',
      ...(o.ruleFiles?.length ? ['rule_files:', ...o.ruleFiles.map((f) => `  - ${JSON.stringify(f)}`)] : []),
      'scrape_configs:',
      ...Object.entries({ prometheus: addr, ...o.jobs }).map(([job, target]) => `  - job_name: ${job}\n    static_configs:\n      - targets: ['${target}']`),
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(
    'prometheus',
    [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=${addr}`, '--log.level=warn'],
    { stdio: 'ignore' },
  );
  const url = `http://${addr}`;
  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      const gone = new Promise((r) => child.once('exit', r));
      process.kill(child.pid, 'SIGTERM');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}`);
    try {
      const r = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) });
      if (r.ok) return { url, pid: child.pid!, stop };
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error('prometheus did not become ready in 20 s');
}

/** Waits until `expr` returns at least `n` samples in a range query (bounded). */
export async function waitForSamples(url: string, expr: string, n: number, timeoutMs = 20000): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    const end = Date.now() / 1000;
    const q = new URLSearchParams({ query: expr, start: String(end - 120), end: String(end), step: '1' });
    const body = (await (await fetch(`${url}/api/v1/query_range?${q}`)).json()) as { data?: { result?: { values: unknown[] }[] } };
    if ((body.data?.result?.[0]?.values.length ?? 0) >= n) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`no ${n} samples of ${expr} within ${timeoutMs} ms`);
}
