import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import financialApi from '../../stacks/financial-api.ts';
import { buildStack, bundleFiles, synth, type AlertRule } from 'obsgen';
import { runBundleTests } from '../../src/cli/runtests.ts';
import { checkName, tempDir, treeHashes, unavailable } from '../helpers.ts';

const bundle = synth(financialApi);
const alerts = bundle.ruleGroups.flatMap((g) => g.rules).filter((r): r is AlertRule => r.kind === 'alert');
const alert = (name: string) => alerts.find((a) => a.name === name)!;

describe('financial-api stack', () => {
  it('scrapes the seed jobs with the seed intervals', () => {
    const jobs = Object.fromEntries(bundle.scrapeJobs.map((j) => [j.name, j]));
    expect(jobs['financial-api']?.staticConfigs?.[0]?.targets).toEqual(['api:8000']);
    expect(jobs['financial-api']?.scrapeInterval).toBe('5s');
    expect(jobs.postgres?.staticConfigs?.[0]?.targets).toEqual(['postgres-exporter:9187']);
    expect(jobs.redis?.staticConfigs?.[0]?.targets).toEqual(['redis-exporter:9121']);
    expect(bundle.globals.scrapeInterval).toBe('15s');
    expect(bundle.globals.evaluationInterval).toBe('15s');
  });

  it('has the seed alerts with severities, durations and conventions', () => {
    // The seed's four alerts by name; the postgres and redis mixins add their others
    // (down, replication, ...) and SLO burn-rate alerts (label slo) are checked in test/slo/.
    expect(alerts.map((a) => a.name)).toEqual(expect.arrayContaining(['DatabaseConnectionsHigh', 'HighErrorRate', 'RedisMemoryUsageHigh', 'SlowResponseTime']));
    expect(alerts.filter((a) => a.labels.service === 'postgres').map((a) => a.name)).toContain('PostgresDown');
    expect(alert('HighErrorRate')).toMatchObject({ for: '2m', labels: { severity: 'critical', service: 'financial-api' } });
    expect(alert('SlowResponseTime')).toMatchObject({ for: '5m', labels: { severity: 'warning' } });
    expect(alert('DatabaseConnectionsHigh')).toMatchObject({ for: '2m', labels: { severity: 'warning' } });
    expect(alert('RedisMemoryUsageHigh')).toMatchObject({ for: '5m', labels: { severity: 'critical' } });
    for (const a of alerts) {
      expect(a.annotations.summary, a.name).toBeTruthy();
      expect(a.annotations.description, a.name).toBeTruthy();
      expect(a.annotations.runbook_url, a.name).toMatch(new RegExp(`${a.name}\\.md$`));
    }
  });

  it('guards the error ratio against low traffic and zero division', () => {
    const expr = alert('HighErrorRate').expr;
    expect(expr).toMatch(/job:http_requests:rate5m\{job="financial-api"\} > 0\.1\)/);
    expect(expr).toMatch(/> 0\.05$/);
    expect(alert('RedisMemoryUsageHigh').expr).toMatch(/redis_memory_max_bytes\{job="redis"\} > 0\)/);
  });

  it('routes critical to the pager and warning to chat', () => {
    const cases = bundle.routeTests.filter((t) => t.name.startsWith('alerts with'));
    expect(cases.find((c) => c.labels.severity === 'critical')?.receivers).toEqual(['oncall']);
    expect(cases.find((c) => c.labels.severity === 'warning')?.receivers).toEqual(['team']);
  });

  it('has a service dashboard with rate, error ratio and latency panels', () => {
    // The overview comes first; SLO and mixin dashboards are checked in their own tests.
    expect(bundle.dashboards[0]!.uid).toBe('financial-api-overview');
    expect(bundle.dashboards.map((d) => d.uid)).toContain('financial-api-svc-financial-api');
    const titles = JSON.stringify(bundle.dashboards.find((d) => d.uid === 'financial-api-svc-financial-api')!.model.panels);
    for (const t of ['Request rate', 'Error ratio', 'Latency']) expect(titles).toContain(`"title":"${t}"`);
    expect(alert('HighErrorRate').annotations.dashboard_url).toMatch(/\/d\/financial-api-svc-financial-api\?viewPanel=\d+$/);
  });

  it('is deterministic: two emits are byte-identical', () => {
    const a = bundleFiles(synth(financialApi)).files;
    const b = bundleFiles(synth(financialApi)).files;
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [k, v] of a) expect(b.get(k), k).toBe(v);
  });

  it('never writes a secret value: receivers and Grafana read files', () => {
    const { files } = bundleFiles(bundle);
    const am = parse(files.get('alertmanager/alertmanager.yml')!);
    const oncall = am.receivers.find((r: { name: string }) => r.name === 'oncall');
    expect(oncall.pagerduty_configs[0].routing_key_file).toBe('/run/secrets/pagerduty_routing_key');
    const compose = parse(files.get('docker-compose.yml')!);
    expect(Object.keys(compose.secrets).sort()).toEqual(['grafana_admin_password', 'pagerduty_routing_key', 'slack_api_url']);
    expect(compose.services.grafana.environment.GF_SECURITY_ADMIN_PASSWORD__FILE).toBe('/run/secrets/grafana_admin_password');
    for (const svc of ['prometheus', 'alertmanager', 'grafana']) {
      expect(compose.services[svc].ports[0]).toMatch(/^127\.0\.0\.1:/);
      expect(compose.services[svc].image).toMatch(/:v?\d+\.\d+\.\d+$/);
      expect(compose.services[svc].healthcheck).toBeTruthy();
    }
    expect(compose.services.prometheus.command).toContain('--web.enable-lifecycle');
    expect(compose.services.prometheus.volumes).toContain('./prometheus:/etc/prometheus:ro');
  });
});

describe('financial-api bundle on disk', () => {
  let out: string;
  let outcome: ReturnType<typeof buildStack>;
  beforeAll(() => {
    out = tempDir();
    outcome = buildStack(financialApi, out);
  });

  it('passes promtool, amtool and docker-compose', () => {
    expect(outcome.ok).toBe(true);
    expect(outcome.verify?.missing).toEqual(unavailable('promtool', 'amtool'));
    // No vmalert -dryRun: this bundle's rules run on Prometheus, not vmalert (docs/ha.md).
    // Without promtool/amtool, obsgen's rule check and Alertmanager validation run in their place.
    const config = unavailable('promtool').length ? [] : ['promtool check config'];
    expect(outcome.verify?.ran.map((r) => r.tool)).toEqual([...config, checkName('promtool check rules'), checkName('amtool check-config'), 'docker-compose config']);
    expect(outcome.verify?.ran.every((r) => r.ok)).toBe(true);
  });

  it('has the bundle layout and a manifest with every file hashed', () => {
    const dir = join(out, 'financial-api');
    const hashes = treeHashes(dir);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    const { 'manifest.json': _m, ...rest } = hashes;
    expect(manifest.files).toEqual(rest);
    for (const p of [
      'docker-compose.yml',
      'prometheus/prometheus.yml',
      'prometheus/rules/financial-api.rules.yml',
      'prometheus/tests/financial-api.test.yml',
      'alertmanager/alertmanager.yml',
      'alertmanager/routes.test.json',
      'grafana/provisioning/datasources/datasources.yml',
      'grafana/provisioning/dashboards/dashboards.yml',
      'runbooks/HighErrorRate.md',
    ]) {
      expect(hashes[p], p).toBeTruthy();
    }
    expect(manifest.counts.alerts).toBe(alerts.length); // seed alerts, mixin alerts and the SLOs' burn-rate pairs
  });

  it('passes every generated rule test through promtool, at least two per alert', () => {
    const s = runBundleTests(join(out, 'financial-api'), 'financial-api');
    expect(s.missing).toEqual([]);
    expect(s.ruleFailures).toEqual([]);
    expect(s.routeFailures).toEqual([]);
    expect(s.ruleCases).toBeGreaterThanOrEqual(2 * alerts.length);
    expect(s.routeCases).toBeGreaterThan(0);
  });

  it('each test file loads only the rule files its rules read', () => {
    const t = parse(readFileSync(join(out, 'financial-api/prometheus/tests/redis.test.yml'), 'utf8'));
    expect(t.rule_files).toEqual(['../rules/redis.rules.yml']);
  });
});
