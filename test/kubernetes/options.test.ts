/**
 * The kubernetes target's props and errors: `targets` (defaults, bad values with path and fix),
 * static and file_sd jobs, probes, the Secret mode of Alertmanager, time zones an
 * AlertmanagerConfig cannot carry, credentials that never become values, and schema errors
 * that name the object and the field.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { bundleFiles, defineStack, httpService, probes, trySynth, type StackProps } from 'obsgen';
import { buildStack } from '../../src/stack/build.ts';
import { Diagnostics } from '../../src/core/diagnostics.ts';
import { validateObjects } from '../../src/emit/kubernetes/validate.ts';
import { checkName, tempDir } from '../helpers.ts';

type Obj = Record<string, any>;
const alerting = {
  receivers: { pager: { pagerduty: { routingKeyFile: '/run/secrets/pd_key' } }, hook: { webhook: { urlFile: '/run/secrets/hook_url', auth: { basicAuth: { username: 'alice', passwordFile: '/run/secrets/hook_password' } } } } },
  routes: [{ match: { severity: 'critical' }, receiver: 'pager' }, { match: { severity: 'warning' }, receiver: 'hook' }],
};
const podApi = httpService({ name: 'api', scrape: { kubernetesSd: { role: 'pod', namespaces: ['shop'] } } });
const stack = (extra: Partial<StackProps>) => defineStack({ name: 'shop', services: [podApi], alerting, ...extra });
const errors = (extra: Partial<StackProps>) => trySynth(stack(extra)).diagnostics.errors.map((d) => ({ path: d.path, code: d.code, message: d.message, hint: d.hint }));
const objects = (extra: Partial<StackProps>): Obj[] =>
  [...bundleFiles(trySynth(stack(extra)).bundle!).files].filter(([p]) => p.startsWith('kubernetes/') && p.endsWith('.yaml') && !p.endsWith('kustomization.yaml')).map(([, c]) => parse(c));

describe('targets', () => {
  it('defaults to compose only for a stack without Kubernetes discovery', () => {
    const b = trySynth(defineStack({ name: 'plain', services: [httpService({ name: 'api', targets: ['api:8000'] })], alerting })).bundle!;
    expect(b.targets).toEqual(['compose']);
    expect([...bundleFiles(b).files.keys()].some((p) => p.startsWith('kubernetes/'))).toBe(false);
  });

  it("targets: ['kubernetes'] writes the objects and no compose files; the rules, tests and routing stay and verify", () => {
    const out = tempDir('obsgen-k8s-only-');
    const r = buildStack(stack({ targets: ['kubernetes'] }), out);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.ok).toBe(true);
    const dir = join(out, 'shop');
    const top = readdirSync(dir).sort();
    expect(top).toEqual(expect.arrayContaining(['alertmanager', 'kubernetes', 'manifest.json', 'prometheus']));
    for (const composeOnly of ['docker-compose.yml', 'grafana', 'secrets']) expect(top).not.toContain(composeOnly);
    expect(readdirSync(join(dir, 'prometheus'))).toContain('rules');
    expect(readdirSync(join(dir, 'prometheus'))).not.toContain('prometheus.yml');
    expect(r.verify!.ran.map((x) => x.tool)).toContain(checkName('promtool check rules (PrometheusRule spec)'));
    expect(r.verify!.ran.filter((x) => !x.ok)).toEqual([]);
    // In-cluster discovery is what this target is for: no compose warning about it.
    expect(r.diagnostics.filter((d) => d.code === 'compose-in-cluster-job')).toEqual([]);
  }, 120_000);

  it('a bad target value is an error at its path, with the fix', () => {
    const e = errors({ targets: ['compose', 'k8s' as 'kubernetes'] });
    expect(e.length).toBe(1);
    expect(e[0]!.path).toBe('targets[1]');
    expect(e[0]!.message).toMatch(/compose.*kubernetes|kubernetes.*compose/);
  });

  it('an empty or repeated targets list is an error with the fix', () => {
    expect(errors({ targets: [] })).toEqual([{ path: 'targets', code: expect.any(String), message: 'names no build target', hint: expect.stringContaining("['compose']") }]);
    expect(errors({ targets: ['kubernetes', 'kubernetes'] })).toEqual([{ path: 'targets[1]', code: expect.any(String), message: 'names "kubernetes" twice', hint: 'list each target once' }]);
  });

  it('a bad kubernetes prop is an error at its path', () => {
    const e = errors({ kubernetes: { namespace: 'Monitoring', ruleLabels: { release: 'has space' } } });
    expect(e.map((x) => x.path).sort()).toEqual(['kubernetes.namespace', 'kubernetes.ruleLabels.release']);
  });
});

describe('scrape jobs', () => {
  it('a static job becomes a ScrapeConfig, or an error naming the job when staticJobs is error', () => {
    const extra = { scrapeJobs: [{ name: 'legacy', targets: ['10.0.0.5:9100'], metricsPath: '/m' }] };
    const sc = objects(extra).find((o) => o.kind === 'ScrapeConfig')!;
    expect(sc.spec).toMatchObject({ jobName: 'legacy', metricsPath: '/m', staticConfigs: [{ targets: ['10.0.0.5:9100'] }] });
    const e = errors({ ...extra, kubernetes: { staticJobs: 'error' } });
    expect(e).toEqual([{ path: 'scrapeJobs[0]', code: 'kubernetes-no-form', message: expect.stringContaining('"legacy" has static targets (10.0.0.5:9100)'), hint: expect.stringContaining("kubernetes: { kind: 'ServiceMonitor'") }]);
  });

  it('a file_sd job has no Kubernetes form: an error with the way out', () => {
    const e = errors({ scrapeJobs: [{ name: 'files', fileSd: { files: ['/etc/prometheus/targets/*.json'] } }] });
    expect(e).toEqual([{ path: 'scrapeJobs[0]', code: 'kubernetes-no-form', message: expect.stringContaining('"files" discovers targets from files'), hint: expect.stringContaining("leave 'kubernetes' out of the stack's targets") }]);
  });

  it('a job given its Kubernetes form becomes that ServiceMonitor: selector, port, path, interval, namespaces', () => {
    const api = httpService({ name: 'api', scrapeInterval: '30s', scrape: { kubernetes: { kind: 'ServiceMonitor', namespaces: ['shop', 'shop-canary'], selector: { 'app.kubernetes.io/name': 'api' }, port: 'metrics', path: '/internal/metrics' } } });
    const o = objects({ services: [api], targets: ['kubernetes'] });
    const sm = o.find((x) => x.kind === 'ServiceMonitor' && x.metadata.name === 'shop-api')!;
    expect(sm.spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'api' } });
    expect(sm.spec.namespaceSelector).toEqual({ matchNames: ['shop', 'shop-canary'] });
    expect(sm.spec.endpoints[0]).toMatchObject({ port: 'metrics', path: '/internal/metrics', interval: '30s', scrapeTimeout: '10s' });
    expect(sm.spec.endpoints[0].relabelings).toEqual([{ action: 'replace', replacement: 'api', targetLabel: 'job' }]);
  });

  it('kubernetesSd without namespaces selects every namespace; endpoints role gives a ServiceMonitor', () => {
    const api = httpService({ name: 'api', scrape: { kubernetesSd: { role: 'endpoints' }, relabel: [{ sourceLabels: ['__meta_kubernetes_service_name'], action: 'keep', regex: 'api' }] } });
    const sm = objects({ services: [api] }).find((x) => x.kind === 'ServiceMonitor' && x.metadata.name === 'shop-api')!;
    expect(sm.spec.namespaceSelector).toEqual({ any: true });
    expect(sm.spec.selector).toEqual({});
    expect(sm.spec.endpoints[0].relabelings[0]).toEqual({ action: 'keep', regex: 'api', sourceLabels: ['__meta_kubernetes_service_name'] });
  });

  it('scrape credentials become Secret key references', () => {
    const o = objects({ scrapeJobs: [{ name: 'secure', targets: ['db.example.com:9187'], bearerTokenFile: '/run/secrets/db_token', tls: { caFile: '/run/secrets/db_ca' } }] });
    const sc = o.find((x) => x.kind === 'ScrapeConfig')!;
    expect(sc.spec.authorization).toEqual({ type: 'Bearer', credentials: { name: 'shop-credentials', key: 'db_token' } });
    expect(sc.spec.tlsConfig).toEqual({ ca: { secret: { name: 'shop-credentials', key: 'db_ca' } } });
  });

  it('a blackbox probe job becomes a Probe through the exporter', () => {
    const o = objects({ mixins: [probes({ targets: ['https://shop.example.com/health'], exporter: 'blackbox:9115' })] });
    const p = o.find((x) => x.kind === 'Probe')!;
    expect(p.spec).toMatchObject({ jobName: 'blackbox', module: 'http_2xx', prober: { url: 'blackbox:9115' }, targets: { staticConfig: { static: ['https://shop.example.com/health'] } } });
  });
});

describe('alertmanager', () => {
  it('AlertmanagerConfig: receivers read every credential from the Secret, webhook basic auth included', () => {
    const amc = objects({}).find((x) => x.kind === 'AlertmanagerConfig')!;
    const hook = amc.spec.receivers.find((r: Obj) => r.name === 'hook');
    expect(hook.webhookConfigs[0]).toEqual({
      urlSecret: { name: 'shop-credentials', key: 'hook_url' },
      sendResolved: true,
      httpConfig: { basicAuth: { username: { name: 'shop-credentials', key: 'hook-username' }, password: { name: 'shop-credentials', key: 'hook_password' } } },
    });
    expect(amc.spec.receivers.find((r: Obj) => r.name === 'default')).toEqual({ name: 'default' });
  });

  it('time intervals become muteTimeIntervals; a time zone, which the CRD cannot carry, is an error with the fix', () => {
    const withIntervals = (location?: string) => ({
      alerting: { ...alerting, timeIntervals: { offhours: [{ weekdays: ['saturday', 'sunday'], daysOfMonth: ['1:7'], times: [{ start: '00:00', end: '08:00' }], ...(location ? { location } : {}) }] }, routes: [{ ...alerting.routes[1], muteTimeIntervals: ['offhours'] }] },
    });
    const amc = objects(withIntervals()).find((x) => x.kind === 'AlertmanagerConfig')!;
    expect(amc.spec.muteTimeIntervals).toEqual([{ name: 'offhours', timeIntervals: [{ weekdays: ['saturday', 'sunday'], daysOfMonth: [{ start: 1, end: 7 }], times: [{ startTime: '00:00', endTime: '08:00' }] }] }]);
    expect(amc.spec.route.routes[0].muteTimeIntervals).toEqual(['offhours']);
    const e = errors(withIntervals('Europe/Berlin'));
    expect(e).toEqual([{ path: 'alerting.timeIntervals.offhours[0].location', code: 'kubernetes-time-zone', message: expect.stringContaining('Europe/Berlin'), hint: expect.stringContaining("kubernetes.alertmanager: 'secret'") }]);
    // The Secret mode carries it.
    expect(errors({ ...withIntervals('Europe/Berlin'), kubernetes: { alertmanager: 'secret' } })).toEqual([]);
  });

  it("'secret' mode: alertmanager.yaml in a Secret, files pointing at the operator's mount, checked by amtool", () => {
    const out = tempDir('obsgen-k8s-secret-');
    const r = buildStack(stack({ kubernetes: { alertmanager: 'secret' } }), out);
    expect(r.ok).toBe(true);
    expect(r.verify!.ran.find((x) => x.tool.startsWith(checkName('amtool check-config (secret-')))?.ok).toBe(true);
    const secret = parse(readFileSync(join(out, 'shop/kubernetes/secret-alertmanager-shop.yaml'), 'utf8'));
    const am = parse(secret.stringData['alertmanager.yaml']);
    expect(am.receivers.find((x: Obj) => x.name === 'pager').pagerduty_configs[0].routing_key_file).toBe('/etc/alertmanager/secrets/shop-credentials/pd_key');
    expect(readdirSync(join(out, 'shop/kubernetes')).some((f) => f.startsWith('alertmanagerconfig-'))).toBe(false);
    expect(readFileSync(join(out, 'shop/kubernetes/SECRETS.md'), 'utf8')).toContain('spec.configSecret');
  }, 120_000);

  it('two credential files of one name would share a Secret key: an error naming both', () => {
    const e = errors({ alerting: { receivers: { a: { pagerduty: { routingKeyFile: '/run/secrets/one/key' } }, b: { pagerduty: { routingKeyFile: '/run/secrets/two/key' } } }, routes: [{ match: { severity: 'critical' }, receiver: 'a' }, { match: { severity: 'warning' }, receiver: 'b' }] } });
    expect(e).toEqual([{ path: 'alerting.receivers.b', code: 'kubernetes-secret-key', message: expect.stringContaining('/run/secrets/two/key and /run/secrets/one/key'), hint: expect.any(String) }]);
  });
});

describe('secrets and validation', () => {
  it('no credential value reaches the bundle, whatever the files hold', () => {
    const dir = tempDir('obsgen-k8s-creds-');
    mkdirSync(join(dir, 'run'), { recursive: true });
    const sentinel = 'SENTINEL-secret-value-7d1f';
    for (const f of ['pd_key', 'hook_url', 'hook_password']) writeFileSync(join(dir, 'run', f), sentinel);
    const on = (f: string) => join(dir, 'run', f);
    const out = tempDir('obsgen-k8s-creds-out-');
    const r = buildStack(
      stack({
        alerting: { receivers: { pager: { pagerduty: { routingKeyFile: on('pd_key') } }, hook: { webhook: { urlFile: on('hook_url'), auth: { basicAuth: { username: 'alice', passwordFile: on('hook_password') } } } } }, routes: alerting.routes },
      }),
      out,
      { verify: false },
    );
    expect(r.ok).toBe(true);
    const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
    const all = walk(join(out, 'shop'));
    expect(all.some((f) => f.includes('/kubernetes/'))).toBe(true);
    for (const f of all) expect(readFileSync(f, 'utf8'), f).not.toContain(sentinel);
  });

  it('a schema error names the file, the object, the field path and the prop it comes from', () => {
    const diag = new Diagnostics('shop');
    validateObjects(
      [{ file: 'servicemonitor-shop-api.yaml', source: 'services[0]', object: { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'shop-api' }, spec: { selector: {}, endpoints: [{ interval: '15 seconds' }] } } }],
      diag,
    );
    expect(diag.errors.map((d) => ({ path: d.path, code: d.code, message: d.message, value: d.value }))).toEqual([
      { path: 'services[0]', code: 'kubernetes-schema', message: expect.stringMatching(/^kubernetes\/servicemonitor-shop-api\.yaml: ServiceMonitor shop-api: spec\.endpoints\[0\]\.interval must match pattern/), value: '15 seconds' },
    ]);
  });
});

describe('stack runner', () => {
  it('obsgen stack up on a Kubernetes-only bundle says to add the compose target', () => {
    const out = tempDir('obsgen-k8s-up-');
    expect(buildStack(stack({ targets: ['kubernetes'] }), out, { verify: false }).ok).toBe(true);
    const bin = join(import.meta.dirname, '../../bin/obsgen.js');
    const r = spawnSync('node', [bin, 'stack', 'up', 'shop', '--out', out, '--state', tempDir('obsgen-k8s-up-state-')], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("was built for Kubernetes only; add 'compose' to the stack's targets");
  }, 60_000);
});

describe('kubernetes props without the target', () => {
  it('warn that they do nothing, with the fix', () => {
    const plain = defineStack({ name: 'plain', services: [httpService({ name: 'api', targets: ['api:8000'] })], alerting, kubernetes: { namespace: 'obs' } });
    const w = trySynth(plain).diagnostics.warnings.filter((d) => d.code === 'kubernetes-unused');
    expect(w.map((d) => ({ path: d.path, message: d.message }))).toEqual([{ path: 'kubernetes', message: 'the kubernetes props do nothing: the stack\'s targets are ["compose"]' }]);
  });
});

describe('model loading', () => {
  it('validates under a require hook that cannot load the ES-module models (tsx, CommonJS), in a child process', () => {
    const dir = tempDir('obsgen-k8s-cjs-');
    const script = join(dir, 'check.cts');
    const src = join(import.meta.dirname, '../../src/emit/kubernetes/validate.ts');
    writeFileSync(
      script,
      `const { schemaProblems } = require(${JSON.stringify(src)});
const bad = { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'a' }, spec: { selector: {}, endpoints: [{ interval: '15 seconds' }] } };
const good = { ...bad, spec: { selector: {}, endpoints: [{ interval: '15s' }] } };
process.stdout.write(JSON.stringify([schemaProblems(bad), schemaProblems(good)]));
`,
    );
    const tsx = join(import.meta.dirname, '../../node_modules/tsx/dist/cli.mjs');
    const r = spawnSync(process.execPath, [tsx, script], { encoding: 'utf8', timeout: 120_000 });
    expect(r.stderr).toBe('');
    const [bad, good] = JSON.parse(r.stdout);
    expect(bad).toEqual([{ path: 'spec.endpoints[0].interval', message: expect.stringMatching(/^must match pattern/), value: '15 seconds' }]);
    expect(good).toEqual([]);
  }, 120_000);
});
