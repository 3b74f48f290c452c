/**
 * The mixins-extra test stack (haproxy, nginx, ingress-nginx, kubernetes, gpu, loki,
 * log shipper, probes) builds, passes promtool/amtool/docker-compose, and every generated
 * rule test passes through the real promtool.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import stack from './stack.ts';
import { buildStack } from '../../src/stack/build.ts';
import { synth } from '../../src/stack/synth.ts';
import { runBundleTests } from '../../src/cli/runtests.ts';
import { renderTemplate } from '../../src/core/template.ts';
import { checkName, tempDir, unavailable } from '../helpers.ts';
import { alertsOf, MIXIN_GROUPS } from './helpers.ts';

const bundle = synth(stack);
const groups = bundle.ruleGroups.filter((g) => MIXIN_GROUPS.includes(g.name));
const alerts = alertsOf(groups);

describe('mixins-extra stack: the alerts', () => {
  it('has every mixin group and the expected alerts', () => {
    expect(groups.map((g) => g.name).sort()).toEqual([...MIXIN_GROUPS].sort());
    expect(alerts.map((a) => a.name).sort()).toEqual(
      [
        'GpuFramebufferNearlyFull', 'GpuIdle', 'GpuTemperatureCritical', 'GpuTemperatureHigh', 'GpuXidError', 'GpuXidErrorCritical',
        'HaproxyBackendHighErrorRate', 'HaproxyBackendNoLiveServers', 'HaproxyBackendQueueing',
        'IngressConfigReloadFailed', 'IngressHighErrorRate',
        'KubeContainerCpuNearLimit', 'KubeContainerMemoryNearLimit', 'KubeContainerOOMKilled', 'KubeDeploymentReplicasMismatch', 'KubePodCrashLooping', 'KubePodNotReady',
        'LogShipperDeadLetterBacklog', 'LogShipperDroppingLines', 'LogShipperFallingBehind', 'LogShipperNearCapacity', 'LogShipperPositionsStale', 'LogShipperSinkSlow',
        'LokiDiscardingLines', 'LokiRequestErrors', 'LokiRequestPanics',
        'NginxDown', 'NginxDroppedConnections',
        'ProbeCertificateExpiring', 'ProbeCertificateExpiringSoon', 'ProbeEndpointDown', 'ProbeSlow',
      ].sort(),
    );
  });

  it('labels every alert with severity and service, and gives it for:', () => {
    for (const a of alerts) {
      expect(['critical', 'warning', 'info'], a.name).toContain(a.labels.severity);
      expect(a.labels.service, a.name).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(a.for, a.name).toMatch(/^\d+[smhd]$/);
    }
  });

  it('annotates every alert with summary, description, runbook_url and a dashboard_url to a panel of its mixin dashboard', () => {
    const uids = new Map(bundle.dashboards.map((d) => [d.uid, d]));
    for (const a of alerts) {
      expect(a.annotations.summary, a.name).toBeTruthy();
      expect(a.annotations.description, a.name).toBeTruthy();
      expect(a.annotations.runbook_url, a.name).toBe(`http://localhost/runbooks/${a.name}.md`);
      const m = /^http:\/\/localhost:3000\/d\/([A-Za-z0-9_-]+)\?viewPanel=(\d+)$/.exec(a.annotations.dashboard_url ?? '');
      expect(m, `${a.name} dashboard_url`).toBeTruthy();
      const d = uids.get(m![1]!);
      expect(d, `${a.name} dashboard ${m![1]}`).toBeTruthy();
      expect(d!.source, a.name).toBe(a.source.replace(/\.[a-zA-Z]+$/, ''));
      const ids: number[] = [];
      const visit = (ps: Record<string, unknown>[]) => ps.forEach((p) => { ids.push(p.id as number); visit((p.panels as Record<string, unknown>[]) ?? []); });
      visit(d!.model.panels as Record<string, unknown>[]);
      expect(ids, a.name).toContain(Number(m![2]));
    }
  });

  it('uses in descriptions only labels the expression keeps, and renders the value humanized', () => {
    for (const a of alerts) {
      const used = [...a.annotations.description!.matchAll(/\$labels\.(\w+)/g)].map((x) => x[1]!);
      const firing = a.tests.flatMap((t) => t.checks.flatMap((c) => c.firing));
      expect(firing.length, a.name).toBeGreaterThan(0);
      for (const f of firing) for (const l of used) expect(Object.keys(f.labels), `${a.name} uses $labels.${l}`).toContain(l);
      if (a.annotations.description!.includes('$value')) {
        const text = renderTemplate(a.annotations.description!, { labels: firing[0]!.labels, value: firing[0]!.value });
        expect(text, a.name).not.toMatch(/\d\.\d{5,}/);
      }
    }
  });

  it('carries runbook content and at least one firing and one quiet scenario per alert', () => {
    for (const a of alerts) {
      expect(a.runbook?.meaning, a.name).toBeTruthy();
      expect(a.runbook?.impact, a.name).toBeTruthy();
      expect(a.runbook?.diagnosis.length, a.name).toBeGreaterThan(0);
      expect(a.runbook?.mitigation.length, a.name).toBeGreaterThan(0);
      expect(a.tests.some((t) => t.checks.some((c) => c.firing.length > 0)), a.name).toBe(true);
      expect(a.tests.some((t) => t.checks.every((c) => c.firing.length === 0)), a.name).toBe(true);
    }
  });
});

describe('mixins-extra bundle on disk', () => {
  let out: string;
  let outcome: ReturnType<typeof buildStack>;
  beforeAll(() => {
    out = tempDir();
    outcome = buildStack(stack, out);
  });

  it('passes promtool check config, check rules, amtool and docker-compose; leaves the in-cluster Kubernetes jobs out of the compose bundle, with a warning each', () => {
    expect(outcome.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(outcome.ok).toBe(true);
    expect(outcome.verify?.missing).toEqual(unavailable('promtool', 'amtool'));
    expect(outcome.verify?.ran.map((r) => r.tool)).toEqual(expect.arrayContaining([checkName('promtool check rules'), checkName('amtool check-config')]));
    if (!unavailable('promtool').length) {
      const config = outcome.verify!.ran.find((r) => r.tool === 'promtool check config')!;
      expect(config.ok).toBe(true);
      // In-cluster discovery scrapes nothing under compose: those jobs are not in prometheus.yml.
      expect(config.note).toBeUndefined();
    }
    expect(outcome.diagnostics.filter((d) => d.code === 'compose-in-cluster-job').map((d) => d.path)).toEqual(['mixins[3].cadvisor', 'scrapeJobs[0]']);
    expect(outcome.verify!.ran.map((r) => r.tool)).toContain('blackbox_exporter --config.check blackbox-exporter/blackbox.yml');
    expect(outcome.verify!.ran.every((r) => r.ok)).toBe(true);
  });

  it('writes a runbook page with the diagnosis queries for every alert', () => {
    for (const a of alerts) {
      const page = readFileSync(join(out, 'mixins-extra/runbooks', `${a.name}.md`), 'utf8');
      expect(page, a.name).toContain(a.runbook!.meaning);
      expect(page, a.name).toContain(a.runbook!.diagnosis[0]!.query);
    }
  });

  it('scrapes blackbox targets through the exporter with the module param', () => {
    const prom = parse(readFileSync(join(out, 'mixins-extra/prometheus/prometheus.yml'), 'utf8'));
    const bb = prom.scrape_configs.find((j: { job_name: string }) => j.job_name === 'blackbox');
    expect(bb.metrics_path).toBe('/probe');
    expect(bb.params).toEqual({ module: ['http_2xx'] });
    expect(bb.static_configs[0].targets).toEqual(['https://shop.example.com/health', 'http://log-capturer:8401/health']);
    expect(bb.relabel_configs).toEqual([
      { source_labels: ['__address__'], target_label: '__param_target' },
      { source_labels: ['__param_target'], target_label: 'instance' },
      { target_label: '__address__', replacement: 'blackbox-exporter:9115' },
    ]);
  });

  it('passes every generated rule test through promtool, two or more per alert', () => {
    const s = runBundleTests(join(out, 'mixins-extra'), 'mixins-extra');
    expect(s.missing).toEqual([]);
    expect(s.ruleFailures).toEqual([]);
    expect(s.routeFailures).toEqual([]);
    expect(s.ruleCases).toBeGreaterThanOrEqual(2 * alerts.length);
    for (const g of MIXIN_GROUPS) {
      const t = parse(readFileSync(join(out, `mixins-extra/prometheus/tests/${g}.test.yml`), 'utf8'));
      expect(t.rule_files, g).toEqual([`../rules/${g}.rules.yml`]);
    }
  });
});
