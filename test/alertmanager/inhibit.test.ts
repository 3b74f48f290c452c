import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inhibitionExpectations, inhibits } from '../../src/alertmanager/inhibit.ts';
import { runBundleTests } from '../../src/cli/runtests.ts';
import { buildStack } from '../../src/stack/build.ts';
import financialApi from '../../stacks/financial-api.ts';
import { tempDir } from '../helpers.ts';

const critMutesWarn = {
  sourceMatchers: [{ name: 'severity', op: '=' as const, value: 'critical' }],
  targetMatchers: [{ name: 'severity', op: '=~' as const, value: 'warning|info' }],
  equal: ['alertname', 'service'],
};

describe('inhibition, as Alertmanager applies it', () => {
  it('mutes the warning twin of a firing critical alert with the same equal labels', () => {
    expect(inhibits(critMutesWarn, { alertname: 'DiskFull', service: 'db', severity: 'critical' }, { alertname: 'DiskFull', service: 'db', severity: 'warning' })).toBe(true);
    expect(inhibits(critMutesWarn, { alertname: 'DiskFull', service: 'db', severity: 'critical' }, { alertname: 'DiskFull', service: 'api', severity: 'warning' })).toBe(false);
  });
  it('treats a label missing on both sides as equal (the classic global-inhibition trap)', () => {
    expect(inhibits(critMutesWarn, { alertname: 'A', severity: 'critical' }, { alertname: 'A', severity: 'warning' })).toBe(true);
  });
  it('never lets an alert mute itself', () => {
    const rule = { sourceMatchers: [], targetMatchers: [], equal: ['alertname'] };
    const a = { alertname: 'A', severity: 'critical' };
    expect(inhibits(rule, a, { ...a })).toBe(false);
  });
  it('derives a muted and a not-muted case per rule, from the stack alerts', () => {
    const shape = (severity: string) => ({ name: 'DiskFull', static: { alertname: 'DiskFull', service: 'db', severity }, dynamic: { labels: new Set<string>(), open: false } });
    const cases = inhibitionExpectations([critMutesWarn], [shape('critical'), shape('warning'), { ...shape('warning'), name: 'DiskSlow', static: { alertname: 'DiskSlow', service: 'db', severity: 'warning' } }]);
    expect(cases.map((c) => c.inhibited)).toEqual([true, false]);
    expect(cases[0]!.target).toEqual({ alertname: 'DiskFull', service: 'db', severity: 'warning' });
    expect(cases[1]!.target).toEqual({ alertname: 'DiskSlow', service: 'db', severity: 'warning' });
  });
});

describe('routes.test.json inhibition cases', () => {
  it('obsgen test catches an emitted inhibit rule that no longer does what the stack meant', () => {
    const out = tempDir();
    expect(buildStack(financialApi, out, { verify: false }).ok).toBe(true);
    const dir = join(out, 'financial-api');
    const clean = runBundleTests(dir, 'financial-api');
    expect(clean.inhibitionCases).toBeGreaterThan(0);
    expect(clean.routeFailures).toEqual([]);
    // Someone "fixes" alertmanager.yml by hand: the equal labels go.
    const file = join(dir, 'alertmanager/alertmanager.yml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/equal:\n(\s+- \w+\n)+/g, 'equal: []\n'));
    const broken = runBundleTests(dir, 'financial-api');
    expect(broken.routeFailures.some((f) => f.includes('does not mute across different'))).toBe(true);
  });
});
