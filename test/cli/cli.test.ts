import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, unavailable } from '../helpers.ts';

const BIN = join(import.meta.dirname, '../../bin/obsgen.js');
const run = (args: string[], cwd = join(import.meta.dirname, '../..')) => spawnSync('node', [BIN, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });

describe('obsgen CLI', () => {
  it('prints help', () => {
    const r = run(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('obsgen build');
    expect(r.stdout).toContain('obsgen test');
  });

  it('builds a stack file from anywhere into --out, then tests it', () => {
    const dir = tempDir();
    const file = join(dir, 'mystack.ts');
    writeFileSync(
      file,
      `import { defineStack, httpService } from 'obsgen';
export default defineStack({
  name: 'mystack',
  links: { grafanaUrl: 'https://grafana.example.com', runbookBaseUrl: 'https://ops.example.com/runbooks', prometheusUrl: 'https://prometheus.example.com', alertmanagerUrl: 'https://alertmanager.example.com' },
  services: [httpService({ name: 'web', targets: ['web:8080'], alerts: { errorRatio: { above: 0.02 } } })],
});
`,
    );
    const out = join(dir, 'out');
    const b = run(['build', '--file', file, '--out', out]);
    expect(b.stderr).toBe('');
    expect(b.status).toBe(0);
    expect(b.stdout).toMatch(unavailable('promtool').length ? /mystack: verified: obsgen check rules ok/ : /mystack: verified: promtool check config ok/);
    expect(existsSync(join(out, 'mystack/prometheus/prometheus.yml'))).toBe(true);
    const t = run(['test', '--stack', 'mystack', '--out', out]);
    expect(t.status).toBe(0);
    expect(t.stdout).toMatch(/mystack: \d+ rule tests in \d+ files passed/);
  });

  it('fails with every error and exit 1, writing nothing', () => {
    const dir = tempDir();
    const file = join(dir, 'bad.ts');
    writeFileSync(
      file,
      `import { defineStack, httpService } from 'obsgen';
export default defineStack({ name: 'bad', prometheus: { scrapeInterval: '1 minute' }, services: [httpService({ name: 'web', targets: ['web'] })] });
`,
    );
    const out = join(dir, 'out');
    const r = run(['build', '--file', file, '--out', out]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('bad: prometheus.scrapeInterval');
    expect(r.stderr).toContain('bad: services[0].targets[0]');
    expect(r.stderr).toContain('hint:');
    expect(existsSync(join(out, 'bad'))).toBe(false);
  });

  it('refuses a free-form alert Prometheus would refuse, with --no-verify too (obsgen type-checks PromQL itself)', () => {
    const dir = tempDir();
    const file = join(dir, 'typed.ts');
    writeFileSync(
      file,
      `import { defineStack, httpService } from 'obsgen';
const tests = [{ name: 'f', series: [], at: '1m', firing: [{ labels: {}, value: 1 }] }, { name: 'q', series: [], at: '1m', firing: [] }];
export default defineStack({
  name: 'typed',
  services: [httpService({ name: 'web', targets: ['web:8080'] })],
  alerts: [{ name: 'Summed', expr: 'sum(http_requests_total[5m]) > 0', for: '5m', severity: 'warning', summary: 's', description: 'd', tests }],
});
`,
    );
    const out = join(dir, 'out');
    const r = run(['build', '--file', file, '--out', out, '--no-verify']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('error [promql/type] typed: alerts[0]: alert Summed: expected type instant vector in aggregation expression, got range vector');
    expect(r.stderr).toContain('hint:');
    expect(existsSync(join(out, 'typed'))).toBe(false);
  });

  it('builds a named stack from stacks/', () => {
    const out = tempDir();
    const r = run(['build', '--stack', 'financial-api', '--out', out]);
    expect(r.status).toBe(0);
    expect(existsSync(join(out, 'financial-api/manifest.json'))).toBe(true);
  });
});
