/** The new integrations through Debian's amtool 0.25, which checks a copy without what it predates (test/real-tools.json). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { buildStack, defineStack } from 'obsgen';
import { alertmanagerToTypeScript } from '../../src/import/alertmanager.ts';
import { runBundleTests } from '../../src/cli/runtests.ts';
import { tempDir } from '../helpers.ts';
import { loadPrinted } from './load.ts';

const text = readFileSync(join(import.meta.dirname, 'fixtures/alertmanager-integrations.yml'), 'utf8');
type Raw = Record<string, unknown>;

/** A receiver's integration as Alertmanager reads it: send_resolved at its default filled in, globals applied. */
function normal(config: Raw): Record<string, Raw> {
  const g = (config.global ?? {}) as Raw;
  const defaults: Record<string, Raw> = { opsgenie_configs: { api_url: g.opsgenie_api_url }, jira_configs: { api_url: g.jira_api_url } };
  const resolvedDefault: Record<string, boolean> = { wechat_configs: false, rocketchat_configs: false };
  return Object.fromEntries(
    (config.receivers as Raw[]).map((r) => {
      const [kind, list] = Object.entries(r).find(([k]) => k !== 'name') as [string, Raw[]];
      const c = { ...(defaults[kind] ?? {}), ...list[0]! } as Raw;
      if (c.api_url === undefined) delete c.api_url;
      if (c.send_resolved === undefined) c.send_resolved = resolvedDefault[kind] ?? true;
      // YAML numbers Alertmanager reads as strings.
      if (typeof c.priority === 'number') c.priority = String(c.priority);
      return [String(r.name), { [kind]: c }];
    }),
  );
}

describe('receivers: opsgenie, victorops, pushover, wechat, telegram, sns, discord, webex, msteams, msteamsv2, jira, rocketchat', () => {
  it('imports every integration and builds the same alertmanager.yml receivers; amtool 0.25 checks a copy, obsgen the newer parts', async () => {
    const printed = alertmanagerToTypeScript(text, 'am.yml');
    expect(printed.errors).toEqual([]);
    const alerting = await loadPrinted<Raw>(printed.code, 'alerting');
    expect((alerting.receivers as Raw).webex).toEqual({ webex: { roomId: 'room-1', credentialsFile: '/run/secrets/webex_token' } });
    const out = tempDir();
    const r = buildStack(defineStack({ name: 'am', scrapeJobs: [{ name: 'node', targets: ['localhost:9100'] }], alerting: alerting as never }), out);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.ok).toBe(true);
    const amtool = r.verify!.ran.find((t) => t.tool === 'amtool check-config')!;
    expect(amtool.ok).toBe(true);
    for (const k of ['msteams (msteams, 0.26+)', 'msteamsv2 (msteamsv2, 0.28+)', 'jira (jira, 0.28+)', 'rocketchat (rocketchat, 0.28+)', 'pushover (pushover token_file, 0.26+)', 'discord (discord webhook_url_file, 0.26+)']) expect(amtool.note).toContain(k);
    expect(amtool.note).toContain('telegram (telegram bot_token_file, 0.26+)');
    expect(amtool.note).toContain('wechat (wechat api_secret_file, 0.31+)');
    const built = parse(readFileSync(join(out, 'am/alertmanager/alertmanager.yml'), 'utf8')) as Raw;
    const want = normal(parse(text) as Raw);
    const got = normal(built);
    for (const name of Object.keys(want)) expect(got[name], name).toEqual(want[name]);
    // Every secret file is mounted into Alertmanager as a compose secret.
    const compose = readFileSync(join(out, 'am/docker-compose.yml'), 'utf8');
    for (const f of ['opsgenie_key', 'telegram_token', 'webex_token', 'jira_password', 'rocketchat_id', 'msteamsv2_url']) expect(compose).toContain(f);
    // The copy amtool checked does not stay in the bundle.
    expect(() => readFileSync(join(out, 'am/alertmanager/.amtool-check.yml'))).toThrow();
  });

  it('routes to each integration: the route tests pass on amtool 0.25 through a copy it reads', async () => {
    const printed = alertmanagerToTypeScript(text, 'am.yml');
    const alerting = await loadPrinted<Raw>(printed.code, 'alerting');
    const out = tempDir();
    const r = buildStack(defineStack({ name: 'am2', scrapeJobs: [{ name: 'node', targets: ['localhost:9100'] }], alerting: alerting as never }), out, { verify: false });
    expect(r.ok).toBe(true);
    const tests = runBundleTests(join(out, 'am2'), 'am2');
    expect(tests.routeEngine).toBe('amtool');
    expect(tests.routeFailures).toEqual([]);
    // One case per route: the eleven child routes, each reaching its own integration.
    expect(tests.routeCases).toBeGreaterThanOrEqual(11);
  });
});
