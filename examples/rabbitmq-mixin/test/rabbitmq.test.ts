/** The RabbitMQ mixin package's own tests: what it builds, that its scenarios pass promtool, its knobs and errors. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildStack, defineStack, exporterDefaults, fromBundle, lint, synth, trySynth, type AlertRule } from 'obsgen';
import { rabbitmq } from '../index.ts';

const stack = (props: Parameters<typeof rabbitmq>[0]) => defineStack({ name: 'queueing', mixins: [rabbitmq(props)] });

describe('rabbitmq()', () => {
  it('builds the scrape job on the plugin port, alerts with runbooks and dashboard links, and the dashboard', () => {
    const bundle = synth(stack({ targets: ['rabbit-1'] }));
    expect(bundle.scrapeJobs.find((j) => j.name === 'rabbitmq')?.staticConfigs?.[0]?.targets).toEqual(['rabbit-1:15692']);
    const alerts = bundle.ruleGroups.find((g) => g.name === 'rabbitmq')!.rules as AlertRule[];
    expect(alerts.map((a) => [a.name, a.labels.severity, a.for])).toEqual([
      ['RabbitmqNodeDown', 'critical', '2m'],
      ['RabbitmqMemoryAlarm', 'critical', '1m'],
      ['RabbitmqDiskAlarm', 'critical', '1m'],
      ['RabbitmqMemoryHigh', 'warning', '5m'],
      ['RabbitmqFileDescriptorsHigh', 'warning', '5m'],
      ['RabbitmqUnroutableMessages', 'warning', '5m'],
      ['RabbitmqTooManyUnackedMessages', 'warning', '15m'],
    ]);
    for (const a of alerts) {
      expect(a.labels.service).toBe('rabbitmq');
      expect(a.annotations.runbook_url).toMatch(new RegExp(`/${a.name}\\.md$`));
      expect(a.annotations.dashboard_url).toMatch(/\/d\/queueing-rabbitmq-rabbitmq\?viewPanel=\d+$/);
      expect(a.runbook?.diagnosis.length).toBeGreaterThan(0);
    }
    expect(bundle.dashboards.map((d) => d.title)).toContain('rabbitmq / RabbitMQ');
  });

  it("puts the plugin's metrics in the catalog, so lint finds every query's metric", async () => {
    expect(exporterDefaults('rabbitmq_prometheus')).toMatchObject({ port: 15692, path: '/metrics' });
    const findings = await lint(fromBundle(synth(stack({ targets: ['rabbit-1:15692'] }))));
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(findings.filter((f) => /unknown-metric|series/.test(f.id))).toEqual([]);
  });

  it('passes its promtool scenarios: every alert fires when it should and stays quiet otherwise', async () => {
    const out = mkdtempSync(join(tmpdir(), 'obsgen-rabbitmq-'));
    const r = buildStack(stack({ targets: ['rabbit-1:15692'] }), out);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.ok).toBe(true);
    const { runBundleTests } = await import('../../../src/cli/runtests.ts');
    const tests = runBundleTests(join(out, 'queueing'), 'queueing');
    expect(tests.ruleFailures).toEqual([]);
    expect(tests.ruleCases).toBeGreaterThanOrEqual(15);
    expect(readFileSync(join(out, 'queueing/runbooks/RabbitmqMemoryAlarm.md'), 'utf8')).toContain('Publishers block cluster-wide');
  });

  it('takes knob overrides and turns alerts off, like a built-in mixin', () => {
    const bundle = synth(stack({ targets: ['r:15692'], memory: { above: 0.8, severity: 'critical' }, unacked: false, diskAlarm: false }));
    const alerts = bundle.ruleGroups.find((g) => g.name === 'rabbitmq')!.rules as AlertRule[];
    expect(alerts.map((a) => a.name)).not.toContain('RabbitmqTooManyUnackedMessages');
    expect(alerts.map((a) => a.name)).not.toContain('RabbitmqDiskAlarm');
    const memory = alerts.find((a) => a.name === 'RabbitmqMemoryHigh')!;
    expect(memory.expr).toContain('> 0.8');
    expect(memory.labels.severity).toBe('critical');
  });

  it('reports bad props under the mixin path, all at once', () => {
    const r = trySynth(stack({ targets: ['r:15692'], memory: { above: 1.5 }, unroutable: { window: 'soon' } } as never));
    expect(r.bundle).toBeUndefined();
    expect(r.diagnostics.items.filter((d) => d.severity === 'error').map((d) => d.path).sort()).toEqual(['mixins[0].memory.above', 'mixins[0].unroutable.window']);
  });
});
