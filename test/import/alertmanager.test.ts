/** `obsgen import alertmanager`: alerting props that build into the same routing; inline secrets refused. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { buildStack, defineStack } from 'obsgen';
import { alertmanagerToTypeScript, importAlertmanager } from '../../src/import/alertmanager.ts';
import { checkName, tempDir } from '../helpers.ts';
import { loadPrinted } from './load.ts';

const fixtures = join(import.meta.dirname, 'fixtures');
const text = readFileSync(join(fixtures, 'alertmanager.yml'), 'utf8');
type Raw = Record<string, unknown>;

describe('obsgen import alertmanager', () => {
  it('prints alerting props that build into the same routes, receivers, inhibit rules, intervals and templates', async () => {
    const printed = alertmanagerToTypeScript(text, 'alertmanager.yml');
    expect(printed.errors).toEqual([]);
    const alerting = await loadPrinted<Raw>(printed.code, 'alerting');
    const out = tempDir();
    const r = buildStack(defineStack({ name: 'am', scrapeJobs: [{ name: 'node', targets: ['localhost:9100'] }], alerting: alerting as never }), out);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.verify!.ran.find((t) => t.tool === checkName('amtool check-config'))?.ok).toBe(true);
    const built = parse(readFileSync(join(out, 'am/alertmanager/alertmanager.yml'), 'utf8')) as Raw;
    const original = parse(text) as Raw;
    expect(built.templates).toEqual(original.templates);
    const route = built.route as Raw;
    expect(route).toMatchObject({ receiver: 'team-mail', group_by: ['alertname', 'cluster'], group_wait: '45s', repeat_interval: '12h' });
    expect(route.routes).toEqual([
      {
        receiver: 'oncall',
        matchers: ['severity="critical"'],
        continue: true,
        routes: [{ receiver: 'shop-slack', matchers: ['team="shop"'], mute_time_intervals: ['night'] }],
      },
      { receiver: 'shop-slack', matchers: ['service=~"web|api"'], active_time_intervals: ['office'] },
    ]);
    // The file's inhibit rule, and none of obsgen's defaults.
    expect(built.inhibit_rules).toEqual([{ source_matchers: ['severity="critical"'], target_matchers: ['severity=~"warning|info"'], equal: ['alertname', 'cluster'] }]);
    const receivers = Object.fromEntries((built.receivers as Raw[]).map((x) => [x.name, x]));
    // Alertmanager's own defaults where the file left a field out (Slack: send_resolved false, its default templates).
    expect(receivers['shop-slack']).toEqual({
      name: 'shop-slack',
      slack_configs: [{ api_url_file: '/run/secrets/slack-url', channel: '#shop', send_resolved: true, title: '{{ template "slack.default.title" . }}', text: '{{ template "slack.default.text" . }}' }],
    });
    expect(receivers['team-mail']).toEqual({ name: 'team-mail', email_configs: [{ to: 'team@example.org', send_resolved: false }] });
    expect(receivers.oncall).toEqual({ name: 'oncall', pagerduty_configs: [{ routing_key_file: '/run/secrets/pd-key', send_resolved: true, severity: 'critical' }] });
    expect(receivers.hook).toEqual({ name: 'hook', webhook_configs: [{ url: 'http://hooks.example.org/alert', send_resolved: true, http_config: { authorization: { type: 'Bearer', credentials_file: '/run/secrets/hook-token' } } }] });
    expect(built.time_intervals).toEqual([
      { name: 'night', time_intervals: [{ times: [{ start_time: '22:00', end_time: '24:00' }] }] },
      { name: 'office', time_intervals: [{ times: [{ start_time: '09:00', end_time: '17:00' }], weekdays: ['monday:friday'], location: 'Europe/Berlin' }] },
    ]);
    expect((built.global as Raw).smtp_auth_password_file).toBe('/run/secrets/smtp-password');
  });

  it('refuses inline secrets, naming each field and the fix', () => {
    const r = importAlertmanager(readFileSync(join(fixtures, 'alertmanager-secrets.yml'), 'utf8'), 'am.yml');
    const fix = (field: string, file: string) =>
      `${field}: is an inline secret; obsgen never writes secrets into a bundle. Move the value into a file (e.g. /run/secrets/<name>, mounted into Alertmanager) and use ${file} instead`;
    expect(r.errors).toEqual([
      `am.yml: ${fix('global.slack_api_url', 'slack_api_url_file')}`,
      `am.yml: ${fix('receivers[0].slack_configs[0].api_url', 'api_url_file')}`,
      `am.yml: ${fix('receivers[0].pagerduty_configs[0].routing_key', 'routing_key_file')}`,
    ]);
    const printed = alertmanagerToTypeScript(readFileSync(join(fixtures, 'alertmanager-secrets.yml'), 'utf8'), 'am.yml');
    // Nothing printed: not even part of a secret reaches stdout.
    expect(printed.code).toBe('');
  });

  it('says what it cannot carry', () => {
    const r = importAlertmanager('route: { receiver: x }\nreceivers:\n  - name: x\n    mattermost_configs: [{ webhook_url_file: /k }]\n    webhook_configs: [{ url: http://a/ }, { url: http://b/ }]\n', 'am.yml');
    expect(r.errors).toEqual([
      'am.yml: receivers[0].mattermost_configs: obsgen has no mattermost receiver yet; keep that receiver outside obsgen or use a webhook bridge',
      'am.yml: receivers[0].webhook_configs: has 2 configs; obsgen\'s receivers hold one of each kind: split them into receivers of their own and route with continue: true',
    ]);
  });
});
