/**
 * Item 14 of issue 12: time intervals in local time. trading-platform's market hours are
 * New York hours with location America/New_York, so they follow daylight saving time;
 * Debian's Alertmanager 0.25 loads the emitted config, and the compose file gives the
 * Alertmanager image the zone database it lacks.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildStack } from '../../src/stack/build.ts';
import tradingPlatform from '../../stacks/trading-platform.ts';
import { tempDir } from '../helpers.ts';
import { freePort } from '../../src/stack/native/ports.ts';


describe('trading-platform market hours', () => {
  let dir: string;
  beforeAll(() => {
    const out = tempDir();
    const r = buildStack(tradingPlatform, out, { verify: false });
    expect(r.ok, JSON.stringify(r.diagnostics)).toBe(true);
    dir = join(out, 'trading-platform');
  });

  it('are NYSE hours in New York time', () => {
    const am = parse(readFileSync(join(dir, 'alertmanager/alertmanager.yml'), 'utf8')) as { time_intervals: { name: string; time_intervals: Record<string, unknown>[] }[] };
    const market = am.time_intervals.find((t) => t.name === 'market-hours');
    expect(market?.time_intervals).toEqual([{ times: [{ start_time: '09:30', end_time: '16:00' }], weekdays: ['monday:friday'], location: 'America/New_York' }]);
  });

  it('mount the host zone database into the Alertmanager container', () => {
    const compose = parse(readFileSync(join(dir, 'docker-compose.yml'), 'utf8')) as { services: Record<string, { volumes?: string[] }> };
    expect(compose.services.alertmanager!.volumes).toContain('/usr/share/zoneinfo:/usr/share/zoneinfo:ro');
    expect(compose.services.prometheus!.volumes ?? []).not.toContain('/usr/share/zoneinfo:/usr/share/zoneinfo:ro');
  });

  it('load in the real Alertmanager 0.25 (Debian), location included', async () => {
    const port = await freePort();
    const storage = tempDir('obsgen-am-');
    const proc = spawn('prometheus-alertmanager', [`--config.file=${join(dir, 'alertmanager/alertmanager.yml')}`, `--storage.path=${storage}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address='], { stdio: 'ignore' });
    try {
      let status: { config: { original: string } } | undefined;
      for (let i = 0; i < 40 && !status; i++) {
        await new Promise((r) => setTimeout(r, 250));
        try {
          const res = await fetch(`http://127.0.0.1:${port}/api/v2/status`, { signal: AbortSignal.timeout(1000) });
          if (res.ok) status = (await res.json()) as { config: { original: string } };
        } catch {
          // not listening yet
        }
      }
      expect(status, 'Alertmanager did not come up in 10 s').toBeDefined();
      expect(status!.config.original).toMatch(/location: America\/New_York/);
    } finally {
      proc.kill('SIGTERM');
    }
  }, 30_000);
});
