/**
 * Alertmanager values through the build, verification off (as on a machine without amtool):
 * each bad value is an error at its props path, with a hint, and out/ stays as it was.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildStack, defineStack, httpService, probes, trySynth, type StackProps } from 'obsgen';
import { formatDiagnostic } from '../../src/core/diagnostics.ts';
import { urlCredentials } from '../../src/core/secrets.ts';
import { tempDir, treeHashes, unavailable } from '../helpers.ts';

function base(): StackProps {
  return {
    name: 'shop',
    services: [httpService({ name: 'shop', targets: ['shop:8080'], alerts: { errorRatio: { above: 0.05 }, latency: { above: '1s' } } })],
    alerting: {
      receivers: { pager: { webhook: { url: 'http://127.0.0.1:9/hook' } } },
      timeIntervals: { office: [{ times: [{ start: '09:00', end: '17:00' }], weekdays: ['monday:friday'], location: 'Europe/Berlin' }] },
      routes: [{ match: { severity: 'critical' }, receiver: 'pager', activeTimeIntervals: ['office'] }],
    },
  };
}

type Alerting = NonNullable<StackProps['alerting']>;
const withAlerting = (change: (a: Alerting) => void) => () => {
  const p = base();
  change(p.alerting!);
  return p;
};
const office = (a: Alerting) => a.timeIntervals!.office![0]!;

interface Case {
  name: string;
  props: () => StackProps;
  path: string;
  code: string;
  message: RegExp;
  /** A secret the props hold that no message, value or file may show. */
  secret?: string;
}

/** Item 6 of issue 12 and the sweep: values only amtool caught before. */
const alertmanagerCases: Case[] = [
  { name: 'time interval ending at 25:00', props: withAlerting((a) => (office(a).times![0]!.end = '25:00')), path: 'alerting.timeIntervals.office[0].times[0].end', code: 'time-interval', message: /"25:00" is not a time of day/ },
  { name: 'time range that crosses midnight', props: withAlerting((a) => (office(a).times = [{ start: '22:00', end: '06:00' }])), path: 'alerting.timeIntervals.office[0].times[0]', code: 'time-interval', message: /not before end time/ },
  { name: 'weekday range backwards', props: withAlerting((a) => (office(a).weekdays = ['friday:monday'])), path: 'alerting.timeIntervals.office[0].weekdays[0]', code: 'time-interval', message: /start day cannot be before end day/ },
  { name: 'weekday misspelt', props: withAlerting((a) => (office(a).weekdays = ['monday', 'tuesdya'])), path: 'alerting.timeIntervals.office[0].weekdays[1]', code: 'time-interval', message: /tuesdya is not a valid weekday/ },
  { name: 'day of month 32', props: withAlerting((a) => (office(a).daysOfMonth = ['32'])), path: 'alerting.timeIntervals.office[0].daysOfMonth[0]', code: 'time-interval', message: /out of range/ },
  { name: 'month 13', props: withAlerting((a) => (office(a).months = ['13'])), path: 'alerting.timeIntervals.office[0].months[0]', code: 'time-interval', message: /13 is not a month/ },
  { name: 'years backwards', props: withAlerting((a) => (office(a).years = ['2030:2026'])), path: 'alerting.timeIntervals.office[0].years[0]', code: 'time-interval', message: /before start year/ },
  { name: 'unknown time zone', props: withAlerting((a) => (office(a).location = 'Europe/Atlantis')), path: 'alerting.timeIntervals.office[0].location', code: 'time-interval', message: /unknown time zone Europe\/Atlantis/ },
  { name: 'time zone in the wrong case', props: withAlerting((a) => (office(a).location = 'europe/berlin')), path: 'alerting.timeIntervals.office[0].location', code: 'time-interval', message: /case-sensitive: Europe\/Berlin/ },
  { name: 'undefined time interval', props: withAlerting((a) => (a.routes![0]!.muteTimeIntervals = ['weekend'])), path: 'alerting.routes[0].muteTimeIntervals[0]', code: 'unknown-time-interval', message: /undefined time interval "weekend"/ },
  { name: 'route matcher Alertmanager cannot parse', props: withAlerting((a) => (a.routes![0]!.matchers = ['team="db"', 'service=="api"'])), path: 'alerting.routes[0].matchers[1]', code: 'matcher', message: /unescaped double quote/ },
  { name: 'route matcher with an invalid regex', props: withAlerting((a) => (a.routes![0]!.matchers = ['service=~"api|(web"'])), path: 'alerting.routes[0].matchers[0]', code: 'matcher', message: /invalid regular expression/ },
  { name: 'route regex RE2 refuses (lookahead)', props: withAlerting((a) => (a.routes![0]!.match = { service: { re: '(?!api).*' } })), path: 'alerting.routes[0].match.service', code: 'matcher', message: /lookahead/ },
  { name: 'group_by twice the same label', props: withAlerting((a) => (a.groupBy = ['alertname', 'service', 'alertname'])), path: 'alerting.groupBy[2]', code: 'group-by', message: /duplicated label "alertname"/ },
  { name: 'group_by ... with labels', props: withAlerting((a) => (a.routes![0]!.groupBy = ['...', 'service'])), path: 'alerting.routes[0].groupBy', code: 'group-by', message: /wildcard/ },
  { name: 'repeat interval zero', props: withAlerting((a) => (a.routes![0]!.repeatInterval = '0s')), path: 'alerting.routes[0].repeatInterval', code: 'duration', message: /repeat_interval cannot be zero/ },
  { name: 'group interval zero', props: withAlerting((a) => (a.groupInterval = '0s')), path: 'alerting.groupInterval', code: 'duration', message: /group_interval cannot be zero/ },
  { name: 'webhook URL with another scheme', props: withAlerting((a) => (a.receivers.pager = { webhook: { url: 'ftp://hooks.example.com/x' } })), path: 'alerting.receivers.pager.webhook.url', code: 'url', message: /unsupported scheme "ftp"/ },
  { name: 'webhook without url or urlFile', props: withAlerting((a) => (a.receivers.pager = { webhook: {} })), path: 'alerting.receivers.pager.webhook', code: 'receiver-config', message: /one of url or url_file/ },
  { name: 'webhook with url and urlFile', props: withAlerting((a) => (a.receivers.pager = { webhook: { url: 'https://h.example.com/', urlFile: '/run/secrets/hook' } })), path: 'alerting.receivers.pager.webhook.urlFile', code: 'receiver-config', message: /at most one of url & url_file/ },
  { name: 'email without a smarthost anywhere', props: withAlerting((a) => (a.receivers.pager = { email: { to: 'oncall@example.com', from: 'am@example.com' } })), path: 'alerting.receivers.pager.email', code: 'receiver-config', message: /no SMTP smarthost/ },
  { name: 'email without a from anywhere', props: withAlerting((a) => (a.receivers.pager = { email: { to: 'oncall@example.com', smarthost: 'smtp.example.com:587' } })), path: 'alerting.receivers.pager.email', code: 'receiver-config', message: /no SMTP from/ },
  { name: 'inhibit rule target regex', props: withAlerting((a) => (a.inhibitRules = [{ source: { severity: 'critical' }, target: { severity: { re: 'warning|(' } }, equal: ['service'] }])), path: 'alerting.inhibitRules[0].target.severity', code: 'matcher', message: /invalid regular expression/ },
];

/** Item 8: credentials in URLs obsgen would write. */
const secretCases: Case[] = [
  { name: 'webhook URL with userinfo', props: withAlerting((a) => (a.receivers.pager = { webhook: { url: 'https://bot:tok-9f8e7d@hooks.example.com/alerts' } })), path: 'alerting.receivers.pager.webhook.url', code: 'secret-in-url', message: /userinfo/, secret: 'tok-9f8e7d' },
  { name: 'webhook URL with ?token=', props: withAlerting((a) => (a.receivers.pager = { webhook: { url: 'https://hooks.example.com/alerts?channel=ops&Token=tok-1a2b3c' } })), path: 'alerting.receivers.pager.webhook.url', code: 'secret-in-url', message: /query parameter "Token"/, secret: 'tok-1a2b3c' },
  { name: 'webhook URL with &sig=', props: withAlerting((a) => (a.receivers.pager = { webhook: { url: 'https://x.example.com/hook?sv=1&sig=sig-55aa' } })), path: 'alerting.receivers.pager.webhook.url', code: 'secret-in-url', message: /query parameter "sig"/, secret: 'sig-55aa' },
  { name: 'probe target with userinfo', props: () => ({ ...base(), mixins: [probes({ targets: ['https://admin:pw-77c1@shop.example.com/health'] })] }), path: 'mixins[0].targets[0]', code: 'secret-in-url', message: /userinfo/, secret: 'pw-77c1' },
  { name: 'scrape parameter named like a key', props: () => ({ ...base(), scrapeJobs: [{ name: 'api', targets: ['api:9100'], params: { api_key: ['key-31f0'] } }] }), path: 'scrapeJobs[0].params.api_key', code: 'secret-in-url', message: /looks like a credential/, secret: 'key-31f0' },
  { name: 'Grafana link with userinfo', props: () => ({ ...base(), links: { grafanaUrl: 'https://viewer:gf-8e21@grafana.example.com' } }), path: 'links.grafanaUrl', code: 'schema', message: /carries credentials/, secret: 'gf-8e21' },
];

describe('Alertmanager values the build refuses, with path and hint, out/ untouched', () => {
  let out: string;
  let before: Record<string, string>;
  beforeAll(() => {
    out = tempDir();
    const ok = buildStack(defineStack(base()), out, { verify: false });
    expect(ok.ok, JSON.stringify(ok.diagnostics)).toBe(true);
    before = treeHashes(out);
  });

  for (const c of [...alertmanagerCases, ...secretCases]) {
    it(c.name, () => {
      const stack = defineStack(c.props());
      const errors = trySynth(stack).diagnostics.errors;
      const hit = errors.find((e) => e.path === c.path && e.code === c.code);
      expect(hit, `want ${c.path} [${c.code}] in ${JSON.stringify(errors, null, 1)}`).toBeTruthy();
      expect(hit!.message).toMatch(c.message);
      expect(hit!.hint, 'hint').toBeTruthy();
      const outcome = buildStack(stack, out, { verify: false });
      expect(outcome.ok).toBe(false);
      expect(treeHashes(out)).toEqual(before);
      if (c.secret) {
        expect(outcome.diagnostics.map(formatDiagnostic).join('\n')).not.toContain(c.secret);
        expect(JSON.stringify(outcome.diagnostics)).not.toContain(c.secret);
      }
    });
  }

  it('points a webhook URL with a credential to the urlFile prop', () => {
    const errors = trySynth(defineStack(secretCases[0]!.props())).diagnostics.errors;
    expect(errors.find((e) => e.code === 'secret-in-url')!.hint).toMatch(/urlFile prop/);
  });
});

describe('obsgen never writes a secret', () => {
  it('a stack whose secrets all come from *File props: no emitted file holds a credential', () => {
    const props: StackProps = {
      ...base(),
      mixins: [probes({ targets: ['https://shop.example.com/health'] })],
      alerting: {
        receivers: {
          hook: { webhook: { urlFile: '/run/secrets/hook_url', auth: { bearerTokenFile: '/run/secrets/hook_token' } } },
          chat: { slack: { apiUrlFile: '/run/secrets/slack_api_url', channel: '#ops' } },
          pager: { pagerduty: { routingKeyFile: '/run/secrets/pagerduty' } },
          mail: { email: { to: 'oncall@example.com', authUsername: 'am', authPasswordFile: '/run/secrets/smtp' } },
        },
        smtp: { smarthost: 'smtp.example.com:587', from: 'am@example.com' },
        routes: [
          { match: { severity: 'critical' }, receiver: 'pager', continue: true },
          { match: { severity: 'critical' }, receiver: 'hook', continue: true },
          { match: { severity: 'warning' }, receiver: 'chat', continue: true },
          { match: { severity: 'warning' }, receiver: 'mail' },
        ],
      },
    };
    const out = tempDir();
    const result = buildStack(defineStack(props), out, { verify: true });
    expect(result.ok, JSON.stringify([result.diagnostics, result.verify], null, 1)).toBe(true);
    // amtool 0.25 predates url_file: it checked a stand-in copy, which must not stay behind.
    if (unavailable('amtool').length) expect(result.verify?.ran.find((r) => r.tool === 'obsgen check alertmanager config')?.ok).toBe(true);
    else expect(result.verify?.ran.find((r) => r.tool === 'amtool check-config')?.note).toMatch(/url_file/);
    const files = Object.keys(treeHashes(out));
    expect(files.some((f) => f.endsWith('.amtool-check.yml'))).toBe(false);
    const am = readText(out, 'shop/alertmanager/alertmanager.yml');
    expect(am).toMatch(/url_file: \/run\/secrets\/hook_url/);
    expect(am).toMatch(/api_url_file: \/run\/secrets\/slack_api_url/);
    // Scan every emitted file: every URL is free of credentials.
    const urls = files.flatMap((f) => [...readText(out, f).matchAll(/https?:\/\/[^\s"'`)<>]+/g)].map((m) => ({ f, url: m[0] })));
    expect(urls.length).toBeGreaterThan(0);
    expect(urls.filter(({ url }) => urlCredentials(url))).toEqual([]);
    // And each secret reaches the configs only as a file reference.
    expect(am).not.toMatch(/\n\s*(url|api_url|routing_key|service_key|auth_password|credentials|password|bearer_token):/);
  });
});

function readText(root: string, file: string): string {
  return readFileSync(join(root, file), 'utf8');
}
