/**
 * Receivers beyond webhook/slack/pagerduty/email (src/alertmanager/receivers.ts): imported from an
 * alertmanager.yml, built back into the same integrations with *_file secrets, checked by amtool
 * 0.25 on a copy without what it predates and by obsgen's own validation on the rest.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { defineStack, trySynth } from 'obsgen';
import { importAlertmanager } from '../../src/import/alertmanager.ts';
import { validateAlertmanagerConfig } from '../../src/alertmanager/validate.ts';

const text = readFileSync(join(import.meta.dirname, 'fixtures/alertmanager-integrations.yml'), 'utf8');
type Raw = Record<string, unknown>;

describe('receivers: opsgenie, victorops, pushover, wechat, telegram, sns, discord, webex, msteams, msteamsv2, jira, rocketchat', () => {
  it('refuses inline secrets on import, each with its path and the *_file to use', () => {
    const r = importAlertmanager(
      [
        'global: { victorops_api_key: k }',
        'route: { receiver: a }',
        'receivers:',
        '  - name: a',
        '    opsgenie_configs: [{ api_key: k }]',
        '    telegram_configs: [{ bot_token: t, chat_id: 1 }]',
        '    sns_configs: [{ topic_arn: x, sigv4: { access_key: a, secret_key: s } }]',
        '    webex_configs: [{ room_id: r, http_config: { authorization: { credentials: c } } }]',
        '    msteams_configs: [{ webhook_url: "https://example.com/x" }]',
      ].join('\n'),
      'am.yml',
    );
    expect(r.errors).toEqual([
      'am.yml: global.victorops_api_key: is an inline secret; obsgen never writes secrets into a bundle. Move the value into a file (e.g. /run/secrets/<name>, mounted into Alertmanager) and use victorops_api_key_file instead',
      'am.yml: receivers[0].opsgenie_configs[0].api_key: is an inline secret; obsgen never writes secrets into a bundle. Move the value into a file (e.g. /run/secrets/<name>, mounted into Alertmanager) and use api_key_file instead',
      "am.yml: receivers[0].opsgenie_configs[0].api_key_file: missing; obsgen's opsgenie receiver needs it (the path of the file that holds the secret)",
      'am.yml: receivers[0].telegram_configs[0].bot_token: is an inline secret; obsgen never writes secrets into a bundle. Move the value into a file (e.g. /run/secrets/<name>, mounted into Alertmanager) and use bot_token_file instead',
      "am.yml: receivers[0].telegram_configs[0].bot_token_file: missing; obsgen's telegram receiver needs it (the path of the file that holds the secret)",
      "am.yml: receivers[0].sns_configs[0].sigv4.access_key: is an inline AWS credential and Alertmanager has no file form for it; obsgen never writes secrets into a bundle. Give Alertmanager its credentials from the environment, a profile (sigv4.profile) or a role (sigv4.role_arn)",
      "am.yml: receivers[0].sns_configs[0].sigv4.secret_key: is an inline AWS credential and Alertmanager has no file form for it; obsgen never writes secrets into a bundle. Give Alertmanager its credentials from the environment, a profile (sigv4.profile) or a role (sigv4.role_arn)",
      'am.yml: receivers[0].webex_configs[0].http_config.authorization.credentials: is an inline secret; obsgen never writes secrets into a bundle. Move the value into a file (e.g. /run/secrets/<name>, mounted into Alertmanager) and use credentials_file instead',
      "am.yml: receivers[0].webex_configs[0].credentials_file: missing; obsgen's webex receiver needs it (the path of the file that holds the secret)",
      'am.yml: receivers[0].msteams_configs[0].webhook_url: is an inline secret; obsgen never writes secrets into a bundle. Move the value into a file (e.g. /run/secrets/<name>, mounted into Alertmanager) and use webhook_url_file instead',
      "am.yml: receivers[0].msteams_configs[0].webhook_url_file: missing; obsgen's msteams receiver needs it (the path of the file that holds the secret)",
    ]);
  });

  it("obsgen's validation (lint and the build) refuses an inline secret and a missing required field in a plain alertmanager.yml", () => {
    const issues = validateAlertmanagerConfig(
      parse('route: { receiver: a }\nreceivers:\n  - name: a\n    victorops_configs: [{ api_key: k }]\n    rocketchat_configs: [{ token_file: /f }]\n    webex_configs: [{ room_id: r }]\n') as Raw,
    );
    expect(issues.map((i) => [i.path.join('.'), i.code, i.message])).toEqual([
      ['receivers.0.victorops_configs.0.routing_key', 'receiver-config', 'missing routing_key in victorops_config'],
      ['receivers.0.victorops_configs.0.api_key', 'secret-in-config', 'a credential written into the config in plain text'],
      ['receivers.0.webex_configs.0.http_config', 'receiver-config', 'missing webex_configs.http_config.authorization'],
      ['receivers.0.rocketchat_configs.0', 'receiver-config', 'one of token_id or token_id_file must be configured'],
    ]);
  });

  it('reports a bad prop of a new integration at its props path', () => {
    const r = trySynth(
      defineStack({
        name: 'am',
        scrapeJobs: [{ name: 'node', targets: ['localhost:9100'] }],
        alerting: { receivers: { tg: { telegram: { botTokenFile: '/run/secrets/tg', chatId: 1, apiUrl: 'https://user:pw@api.telegram.org' } } }, routes: [] },
      }),
    );
    expect(r.diagnostics.items.filter((d) => d.severity === 'error').map((d) => [d.path, d.code])).toEqual([['alerting.receivers.tg.telegram.apiUrl', 'secret-in-url']]);
  });
});
