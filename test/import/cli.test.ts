/** The `obsgen import` commands as a user runs them: TypeScript on stdout, problems on stderr, the exit code. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const run = (args: string[]) => spawnSync('node', [join(ROOT, 'bin/obsgen.js'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });

describe('obsgen import', () => {
  it('rules: prints the stack file and notes what it left out', () => {
    const r = run(['import', 'rules', 'test/import/fixtures/rules.yml', '--name', 'shop']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("import { defineStack } from 'obsgen';");
    expect(r.stdout).toContain('name: "shop"');
    expect(r.stderr).toContain('note: test/import/fixtures/rules.yml: groups[2]: group "empty" has no rules');
  });

  it('alertmanager: refuses inline secrets on stderr, prints nothing, exits 1', () => {
    const r = run(['import', 'alertmanager', 'test/import/fixtures/alertmanager-secrets.yml']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('receivers[0].pagerduty_configs[0].routing_key: is an inline secret');
    expect(r.stderr).not.toContain('abcdef0123456789');
  });

  it('grafana and an unknown format', () => {
    const g = run(['import', 'grafana', 'test/import/fixtures/dashboard-raw.json', 'test/import/fixtures/dashboard-modelled.json']);
    expect(g.status, g.stderr).toBe(0);
    expect(g.stdout).toContain("import { dashboard, rawDashboard } from 'obsgen';");
    expect(g.stderr).toContain('kept as raw JSON: panel "Requests by code" (0) is a piechart panel');
    const bad = run(['import', 'nagios', 'x.cfg']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('obsgen import rules FILE...');
  });
});
