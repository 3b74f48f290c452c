import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inhibitionExpectations, inhibits, whyNeverMutes, type AlertLabels } from '../../src/alertmanager/inhibit.ts';
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

describe('Alertmanager details (inhibit/inhibit.go)', () => {
  it('a label on the source only never equals the missing one on the target (missing reads as "")', () => {
    const rule = { sourceMatchers: [{ name: 'alertname', op: '=' as const, value: 'NodeDown' }], targetMatchers: [{ name: 'alertname', op: '=' as const, value: 'DiskFull' }], equal: ['instance'] };
    expect(inhibits(rule, { alertname: 'NodeDown', instance: 'n1' }, { alertname: 'DiskFull', job: 'node' })).toBe(false);
    expect(inhibits(rule, { alertname: 'NodeDown', instance: 'n1' }, { alertname: 'DiskFull', instance: 'n1' })).toBe(true);
  });
  it('skips sources that match the target side when the target matches the source side too', () => {
    const rule = { sourceMatchers: [{ name: 'severity', op: '=~' as const, value: 'critical|warning' }], targetMatchers: [{ name: 'severity', op: '=~' as const, value: 'warning|info' }], equal: ['alertname'] };
    // Two warnings of one alert (different instances) match both sides: neither mutes the other.
    expect(inhibits(rule, { alertname: 'A', severity: 'warning', instance: '1' }, { alertname: 'A', severity: 'warning', instance: '2' })).toBe(false);
    expect(inhibits(rule, { alertname: 'A', severity: 'critical' }, { alertname: 'A', severity: 'warning' })).toBe(true);
  });
});

const shape = (name: string, labels: Record<string, string>, dynamic: string[], always = dynamic): AlertLabels => ({
  name,
  static: { alertname: name, ...labels },
  dynamic: { labels: new Set(dynamic), open: false, always: new Set(always) },
});

describe('inhibit rules over the label sets real alerts carry', () => {
  const nodeDown = shape('NodeDown', { severity: 'critical' }, ['job', 'instance']);
  const diskByJob = shape('DiskLowByJob', { severity: 'warning' }, ['job']);
  const rule = { sourceMatchers: [{ name: 'alertname', op: '=' as const, value: 'NodeDown' }], targetMatchers: [{ name: 'alertname', op: '=' as const, value: 'DiskLowByJob' }], equal: ['instance'] };

  it('says why a rule can never mute: the target cannot carry the equal label the source always carries', () => {
    const why = whyNeverMutes(rule, [nodeDown, diskByJob]);
    expect(why).toContain('equal label instance');
    expect(why).toContain('source alerts NodeDown always carry instance');
    expect(why).toContain('target alerts DiskLowByJob cannot carry instance');
  });
  it('a rule some pair satisfies is fine, and so is one with no source alert (a different finding)', () => {
    expect(whyNeverMutes({ ...rule, equal: ['job'] }, [nodeDown, diskByJob])).toBeUndefined();
    expect(whyNeverMutes(rule, [diskByJob])).toBeUndefined();
    // A label both sides may lack (maybe on the target) can agree on "".
    expect(whyNeverMutes(rule, [shape('NodeDown', {}, ['job', 'instance'], ['job']), diskByJob])).toBeUndefined();
  });
  it('a severity ladder is no defect because two alerts have different names, only when a side cannot carry a label', () => {
    const ladder = { sourceMatchers: [{ name: 'severity', op: '=' as const, value: 'critical' }], targetMatchers: [{ name: 'severity', op: '=' as const, value: 'warning' }], equal: ['alertname'] };
    expect(whyNeverMutes(ladder, [nodeDown, diskByJob])).toBeUndefined();
    expect(whyNeverMutes({ ...ladder, equal: ['instance'] }, [nodeDown, diskByJob])).toContain('cannot carry instance');
  });
  it('gives no case for a rule no real pair satisfies, instead of made-up label sets', () => {
    expect(inhibitionExpectations([rule], [nodeDown, diskByJob])).toEqual([]);
    const cases = inhibitionExpectations([{ ...rule, equal: ['job'] }], [nodeDown, diskByJob]);
    expect(cases.map((c) => [c.inhibited, c.source, c.target])).toEqual([
      [true, { alertname: 'NodeDown', instance: 'instance-1', job: 'job-1', severity: 'critical' }, { alertname: 'DiskLowByJob', job: 'job-1', severity: 'warning' }],
      [false, { alertname: 'NodeDown', instance: 'instance-1', job: 'job-1', severity: 'critical' }, { alertname: 'DiskLowByJob', job: 'job-1-other', severity: 'warning' }],
    ]);
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
