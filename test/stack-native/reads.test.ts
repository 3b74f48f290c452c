/**
 * What a built bundle's rules and panels read (the stack runner's view of a bundle on disk):
 * per job, from the parsed selectors; and the status code label a stand-in must emit.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineStack, httpService, postgres } from 'obsgen';
import { buildStack } from '../../src/stack/build.ts';
import { bundleReads, statusCodeLabel } from '../../src/stack/native/reads.ts';
import { tempDir } from '../helpers.ts';

const stack = (codeLabel?: string) =>
  defineStack({
    name: codeLabel ? `reads-${codeLabel}` : 'reads-default',
    services: [
      httpService({
        name: 'shop',
        targets: ['shop:8080'],
        ...(codeLabel ? { metrics: { codeLabel } } : {}),
        alerts: { errorRatio: { above: 0.05 } },
        slos: [{ name: 'availability', objective: 99, sli: { errorRatio: {} } }],
      }),
    ],
    mixins: [postgres({ targets: ['postgres-exporter:9187'], replicationLag: { above: '1s' } })],
    scrapeJobs: [{ name: 'node', targets: ['node-exporter:9100'] }],
  });

let out: string;
beforeAll(() => {
  out = tempDir('obsgen-reads-');
  for (const s of [stack(), stack('status')]) expect(buildStack(s, out).ok).toBe(true);
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('bundleReads', () => {
  it('lists each rule and panel selector with the jobs its job matcher selects, and the recorded series', () => {
    const b = bundleReads(join(out, 'reads-default'));
    expect(b.jobs.sort()).toEqual(['alertmanager', 'node', 'postgres', 'prometheus', 'shop']);
    expect(b.targets.get('postgres')).toEqual(['postgres-exporter:9187']);
    const lag = b.reads.filter((r) => r.metric === 'pg_replication_lag_seconds');
    expect(lag.map((r) => r.reader)).toContain('alert PostgresReplicationLag');
    expect(lag.some((r) => r.reader.startsWith('panel '))).toBe(true);
    for (const r of lag) expect(r.jobs).toEqual(['postgres']);
    expect(b.recorded.has('slo:sli_error:increase5m')).toBe(true);
    expect(b.reads.find((r) => r.metric === 'http_requests_total' && r.reader.startsWith('record '))!.jobs).toEqual(['shop']);
  });

  it("finds the status code label the rules match for a job: the service's codeLabel, whatever it is", () => {
    const def = bundleReads(join(out, 'reads-default'));
    expect(statusCodeLabel(def, ['shop'])).toBe('code');
    expect(statusCodeLabel(def, ['postgres'])).toBeUndefined();
    expect(statusCodeLabel(bundleReads(join(out, 'reads-status')), ['shop'])).toBe('status');
  });
});
