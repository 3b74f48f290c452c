/**
 * SLOs of one shape share their raw reads: one rule per series name reads every service's
 * counters, and records the same series each SLO's own rules would. Through the real promtool.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildStack, defineStack, httpService, slo, synth, type RecordingRule } from 'obsgen';
import { tempDir } from '../helpers.ts';

const shop = (name: string, slos: unknown[]) => httpService({ name, targets: [`${name}:8080`], dashboard: false, slos: slos as never });
const availability = { name: 'availability', objective: 99.9, window: '30d', sli: { errorRatio: {} } };

const fleet = defineStack({
  name: 'fleet',
  services: [
    shop('cart', [availability]),
    shop('checkout', [availability, { name: 'latency', objective: 99, sli: { latency: { below: '250ms' } } }]),
    shop('search', [{ ...availability, alerting: { noData: { for: '10m' } } }]),
  ],
  slos: [
    // Another SLO name: its reads stay its own.
    slo({ service: 'batch', name: 'jobs', objective: 99, sli: { events: { bad: 'jobs_failed_total{job="batch"}', total: 'jobs_total{job="batch"}' } } }),
  ],
  alerting: { receivers: {} },
});

describe('SLOs of one shape', () => {
  const bundle = synth(fleet);
  const merged = bundle.ruleGroups.find((g) => g.name === 'slo-availability-by-job')!;

  it('read the raw counters in one rule per series name, the service from the job', () => {
    expect(merged.rules.map((r) => r.name)).toEqual([
      'slo:sli_total:increase5m',
      'slo:sli_error:increase5m',
      'slo:sli_total:increase30m',
      'slo:sli_error:increase30m',
      'slo:sli_total:increase6h',
      'slo:sli_error:increase6h',
      // No window ratio: the alerts sum them from the recorded increases.
      // Each SLO's no-data alert (on by default) moves along: no group of one rule per SLO.
      'CartAvailabilitySLONoData',
      'CheckoutAvailabilitySLONoData',
      'SearchAvailabilitySLONoData',
    ]);
    const total = merged.rules[0] as RecordingRule;
    expect(total.expr).toContain('increase(http_requests_total{job=~"cart|checkout|search"}[5m])');
    expect(total.expr).toContain('label_replace(');
    expect(total.expr).toMatch(/^sum by \(service\) \(/);
    expect(total.labels).toEqual({ slo: 'availability' });
    // No bad events yet: 0 for each total; these are all the stack's availability SLOs.
    expect(merged.rules[1]!.expr).toContain('or on (service)\n0 * slo:sli_total:increase5m{slo="availability"}');
    // Over 6h as over 5m: the total and the bad events, each in one rule for the cluster.
    expect(merged.rules[4]!.expr).toContain('increase(http_requests_total{job=~"cart|checkout|search"}[6h])');
    expect(merged.rules[5]!.expr).toContain('increase(http_requests_total{job=~"cart|checkout|search",code=~"5.."}[6h])');
  });

  it('select their own SLOs by service when the stack has others of the same name', () => {
    const more = synth(
      defineStack({
        name: 'fleet2',
        services: [shop('cart', [availability]), shop('checkout', [availability])],
        slos: [slo({ service: 'batch', name: 'availability', objective: 99, sli: { events: { bad: 'jobs_failed_total{job="batch"}', total: 'jobs_total{job="batch"}' } } })],
        alerting: { receivers: {} },
      }),
    );
    const rules = more.ruleGroups.find((g) => g.name === 'slo-availability-by-job')!.rules;
    expect(rules[1]!.expr).toContain('0 * slo:sli_total:increase5m{service=~"cart|checkout",slo="availability"}');
    expect(more.ruleGroups.find((g) => g.name === 'slo-batch-availability')!.rules.map((r) => r.name)).toContain('slo:sli_total:increase5m');
  });

  it('leave no read and no no-data alert in the SLOs\' own groups, which keep their own pair alerts', () => {
    const names = bundle.ruleGroups.map((g) => g.name);
    expect(names).not.toContain('slo-cart-availability');
    expect(names).not.toContain('slo-search-availability');
    expect(names).toContain('slo-checkout-latency');
    expect(names).toContain('slo-batch-jobs');
    const own = bundle.ruleGroups.find((g) => g.name === 'slo-own-availability-by-job');
    expect(own).toBeUndefined();
    // search's no-data alert keeps its own window (10m) in the merged group.
    expect(merged.rules.find((r) => r.name === 'SearchAvailabilitySLONoData')!.expr).toBe('absent_over_time(slo:sli_total:increase5m{service="search",slo="availability"}[10m])');
    // The merged group comes before the shared groups that read it.
    expect(names.indexOf('slo-availability-by-job')).toBeLessThan(names.indexOf('slo-level-1h'));
    const raw = bundle.ruleGroups.flatMap((g) => g.rules).filter((r) => r.name.startsWith('slo:') && r.expr.includes('http_requests_total{job="cart"'));
    expect(raw).toEqual([]);
  });

  it('run every merged SLO\'s scenarios in the merged group\'s test file, through promtool', () => {
    const out = tempDir('obsgen-merge-');
    const result = buildStack(fleet, out);
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result.verify?.ran.filter((r) => !r.ok)).toEqual([]);
    const dir = join(out, 'fleet/prometheus/tests');
    const files = readdirSync(dir).filter((f) => f.startsWith('slo-')).sort();
    expect(files).toEqual(['slo-availability-by-job.test.yml', 'slo-batch-jobs.test.yml', 'slo-checkout-latency.test.yml']);
    const tests = parse(readFileSync(join(dir, 'slo-availability-by-job.test.yml'), 'utf8')).tests as { name: string }[];
    for (const svc of ['cart', 'checkout', 'search']) {
      expect(tests.some((t) => t.name.startsWith('SLOBudgetBurn: ') && t.name.endsWith(`(${svc})`))).toBe(true);
      expect(tests.some((t) => t.name.includes('zero traffic') && t.name.endsWith(`(${svc})`))).toBe(true);
      expect(tests.some((t) => t.name.startsWith(`${svc[0]!.toUpperCase()}${svc.slice(1)}AvailabilitySLONoData: fires when the SLI's metric is renamed`))).toBe(true);
    }
    for (const f of files) {
      const r = spawnSync('promtool', ['test', 'rules', f], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
      expect(`${r.stdout}${r.stderr}`, f).toContain('SUCCESS');
      expect(r.status, f).toBe(0);
    }
  }, 180_000);
});
