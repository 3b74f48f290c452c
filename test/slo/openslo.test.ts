/** OpenSLO v1 import: openslo('file.yaml') in a stack and `obsgen import openslo FILE`. */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defineStack, fromOpenSLO, openslo, synth, trySynth, type AlertRule, type RecordingRule } from 'obsgen';
import { tempDir } from '../helpers.ts';

const fixture = join(import.meta.dirname, 'fixtures/openslo.yaml');
const root = join(import.meta.dirname, '../..');

describe('fromOpenSLO', () => {
  const r = fromOpenSLO(
    `apiVersion: openslo/v1
kind: SLO
metadata: { name: x }
spec:
  service: s
  indicator: { spec: { ratioMetric: { good: { metricSource: { type: Prometheus, spec: { query: 'sum(rate(a[5m]))' } } }, total: { metricSource: { spec: { query: 'a' } } } } } }
  objectives: [{ target: 0.99 }]
`,
    'x.yaml',
  );
  it('refuses queries that are not plain selectors, saying why', () => {
    expect(r.slos).toEqual([]);
    expect(r.errors[0]).toContain('x.yaml document 1 (SLO x) ratioMetric.good: "sum(rate(a[5m]))" is not a plain series selector');
  });
});

describe('openslo() in a stack', () => {
  const parts = openslo('test/slo/fixtures/openslo.yaml', { baseDir: root });
  const bundle = synth(defineStack({ name: 'imported', slos: parts, alerting: { receivers: {} } }));
  const records = bundle.ruleGroups.flatMap((g) => g.rules).filter((r): r is RecordingRule => r.kind === 'record');

  it('maps indicatorRef SLIs, targets, windows and labels', () => {
    const info = records.filter((r) => r.name === 'obsgen_slo_info').map(({ labels }) => {
      const { dashboard_url, ...rest } = labels!;
      expect(dashboard_url).toMatch(/^http:\/\/localhost:3000\/d\//);
      return rest;
    });
    expect(info).toEqual([
      { service: 'checkout', slo: 'checkout-availability', objective: '99.9', window: '28d', sli: 'events', description: 'Checkout requests succeed' },
      { service: 'search', slo: 'search-good', objective: '99.5', window: '30d', sli: 'events' },
    ]);
    const raw = records.find((r) => r.name === 'slo:sli_error:increase5m' && r.labels?.slo === 'checkout-availability')!;
    expect(raw.expr).toContain('sum(increase(http_requests_total{job="checkout",code=~"5.."}[5m]))');
    const good = records.find((r) => r.name === 'slo:sli_error:increase5m' && r.labels?.slo === 'search-good')!;
    expect(good.expr).toContain('increase(search_requests_total{outcome="ok"}[5m])');
    const alert = bundle.ruleGroups.flatMap((g) => g.rules).find((r): r is AlertRule => r.kind === 'alert' && r.labels.slo === 'checkout-availability')!;
    expect(alert.labels.team).toBe('payments');
    // 28d: the fast pair's factor is 2% x 28d / 1h.
    expect(alert.expr).toContain('> 13.44');
  });

  it('reports import errors at the entry path', () => {
    const items = trySynth(defineStack({ name: 'imported', slos: openslo('missing.yaml', { baseDir: root }), alerting: { receivers: {} } })).diagnostics.items;
    expect(items[0]).toMatchObject({ severity: 'error', code: 'openslo', path: 'slos[0]' });
    expect(items[0]!.message).toContain('cannot read missing.yaml');
  });
});

describe('obsgen import openslo', () => {
  it('prints equivalent TypeScript with notes on what did not map', () => {
    const r = spawnSync(process.execPath, ['bin/obsgen.js', 'import', 'openslo', fixture], { cwd: root, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("import { slo } from 'obsgen';");
    expect(r.stdout).toContain("    name: 'checkout-availability',\n    objective: 99.9,\n    window: '28d',");
    expect(r.stdout).toContain("bad: 'http_requests_total{job=\"checkout\",code=~\"5..\"}'");
    expect(r.stdout).toContain('// note: ');
    expect(r.stdout).toContain('alertPolicies are not imported');
    expect(r.stdout).toContain('time window 1M is read as 30d');
    expect(r.stdout).toContain('budgetingMethod Timeslices is read as Occurrences');
    // The printed code is a working stack part.
    const dir = tempDir('obsgen-import-');
    writeFileSync(join(dir, 'slos.ts'), r.stdout);
    writeFileSync(join(dir, 'stack.ts'), `import { defineStack } from 'obsgen';\nimport { slos } from './slos.ts';\nexport default defineStack({ name: 'printed', slos, scrapeJobs: [{ name: 'checkout', targets: ['checkout:80'] }, { name: 'search', targets: ['search:80'] }], alerting: { receivers: {} } });\n`);
    const lint = spawnSync(process.execPath, ['bin/obsgen.js', 'lint', '--file', join(dir, 'stack.ts')], { cwd: root, encoding: 'utf8' });
    expect(lint.status, `${lint.stdout}${lint.stderr}`).toBe(0);
  }, 30_000);
});
