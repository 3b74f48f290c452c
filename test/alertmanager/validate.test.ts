import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { tempDir } from '../helpers.ts';
import { checkDayOfMonthRange, checkLocation, checkMonthRange, checkWeekdayRange, checkYearRange, parseTimeOfDay } from '../../src/alertmanager/timeinterval.ts';
import { validateAlertmanagerConfig } from '../../src/alertmanager/validate.ts';
import { matches } from '../../src/alertmanager/matchers.ts';
import { re2Problem } from '../../src/core/re2.ts';
import { urlCredentials } from '../../src/core/secrets.ts';

/** A config Alertmanager 0.25 loads (amtool check-config passes on it); each case breaks one thing. */
function config(): Record<string, any> {
  return {
    global: { resolve_timeout: '5m', smtp_smarthost: 'smtp.example.com:587', smtp_from: 'am@example.com' },
    route: {
      receiver: 'default',
      group_by: ['alertname', 'service'],
      group_wait: '30s',
      group_interval: '5m',
      repeat_interval: '4h',
      routes: [{ receiver: 'team', matchers: ['severity="warning"'], active_time_intervals: ['office'], routes: [] }],
    },
    receivers: [
      { name: 'default' },
      { name: 'team', webhook_configs: [{ url: 'https://hooks.example.com/alerts', send_resolved: true }], email_configs: [{ to: 'team@example.com' }] },
    ],
    inhibit_rules: [{ source_matchers: ['severity="critical"'], target_matchers: ['severity=~"warning|info"'], equal: ['alertname'] }],
    time_intervals: [{ name: 'office', time_intervals: [{ times: [{ start_time: '09:00', end_time: '17:30' }], weekdays: ['monday:friday'], location: 'Europe/Berlin' }] }],
  };
}

describe('Alertmanager time interval values', () => {
  const good: [string, (v: string) => unknown, string][] = [
    ['time', parseTimeOfDay, '00:00'],
    ['time', parseTimeOfDay, '24:00'],
    ['time', parseTimeOfDay, '23:59'],
    ['weekday', checkWeekdayRange, 'monday:friday'],
    ['weekday', checkWeekdayRange, 'Saturday'],
    ['day of month', checkDayOfMonthRange, '1:31'],
    ['day of month', checkDayOfMonthRange, '-3:-1'],
    ['day of month', checkDayOfMonthRange, '1:-1'],
    ['month', checkMonthRange, 'january:march'],
    ['month', checkMonthRange, '12'],
    ['month', checkMonthRange, '1:may'],
    ['year', checkYearRange, '2025:2027'],
  ];
  it.each(good)('accepts the %s %j', (_, check, v) => {
    const got = check(v);
    expect(typeof got === 'string' ? got : undefined).toBeUndefined();
  });
  const bad: [string, (v: string) => unknown, string, RegExp][] = [
    ['time', parseTimeOfDay, '25:00', /not a time of day/],
    ['time', parseTimeOfDay, '9:00', /not a time of day/],
    ['time', parseTimeOfDay, '24:01', /not a time of day/],
    ['weekday', checkWeekdayRange, 'friday:monday', /start day cannot be before end day/],
    ['weekday', checkWeekdayRange, 'mon', /mon is not a valid weekday/],
    ['weekday', checkWeekdayRange, 'monday:tuesday:friday', /invalid format/],
    ['day of month', checkDayOfMonthRange, '0', /out of range/],
    ['day of month', checkDayOfMonthRange, '32', /out of range/],
    ['day of month', checkDayOfMonthRange, '-1:5', /end day must be negative/],
    ['day of month', checkDayOfMonthRange, '10:5', /always before start day/],
    ['month', checkMonthRange, '13', /not a month/],
    ['month', checkMonthRange, 'march:january', /end month january is before start month march/],
    ['month', checkMonthRange, 'jan', /not a valid month/],
    ['year', checkYearRange, '2027:2025', /end year 2027|end year 2025 is before start year 2027/],
    ['year', checkYearRange, 'next', /not a year/],
  ];
  it.each(bad)('refuses the %s %j', (_, check, v, message) => {
    expect(check(v)).toMatch(message);
  });
  it('knows IANA zones, UTC and Local, with their exact case', () => {
    for (const z of ['America/New_York', 'Europe/Berlin', 'UTC', 'Local', 'US/Eastern', 'Etc/GMT+5']) expect(checkLocation(z)).toBeUndefined();
    expect(checkLocation('america/new_york')).toMatch(/case-sensitive: America\/New_York/);
    expect(checkLocation('Mars/Olympus_Mons')).toMatch(/unknown time zone/);
    expect(checkLocation('EST+5')).toMatch(/unknown time zone/);
    expect(checkLocation('')).toMatch(/empty location/);
  });
});

describe('validateAlertmanagerConfig', () => {
  it('finds nothing in a config Alertmanager loads', () => {
    expect(validateAlertmanagerConfig(config())).toEqual([]);
  });

  /** `amtool: false`: Alertmanager 0.25 loads it, obsgen refuses it (never matches, or a secret in the file). */
  const cases: { name: string; breakIt: (c: Record<string, any>) => void; path: (string | number)[]; code: string; message: RegExp; amtool?: false }[] = [
    { name: 'end time 25:00', breakIt: (c) => (c.time_intervals[0].time_intervals[0].times[0].end_time = '25:00'), path: ['time_intervals', 0, 'time_intervals', 0, 'times', 0, 'end_time'], code: 'time-interval', message: /"25:00" is not a time of day/ },
    { name: 'start after end', breakIt: (c) => (c.time_intervals[0].time_intervals[0].times[0] = { start_time: '18:00', end_time: '09:00' }), path: ['time_intervals', 0, 'time_intervals', 0, 'times', 0], code: 'time-interval', message: /not before end time/ },
    { name: 'weekday range backwards', breakIt: (c) => (c.time_intervals[0].time_intervals[0].weekdays = ['friday:monday']), path: ['time_intervals', 0, 'time_intervals', 0, 'weekdays', 0], code: 'time-interval', message: /start day cannot be before end day/ },
    { name: 'day of month 32', breakIt: (c) => (c.time_intervals[0].time_intervals[0].days_of_month = ['1', '32']), path: ['time_intervals', 0, 'time_intervals', 0, 'days_of_month', 1], code: 'time-interval', message: /32 is not a valid day of the month/ },
    { name: 'month 13', breakIt: (c) => (c.time_intervals[0].time_intervals[0].months = ['13']), path: ['time_intervals', 0, 'time_intervals', 0, 'months', 0], code: 'time-interval', message: /13 is not a month/, amtool: false },
    { name: 'year backwards', breakIt: (c) => (c.time_intervals[0].time_intervals[0].years = ['2030:2020']), path: ['time_intervals', 0, 'time_intervals', 0, 'years', 0], code: 'time-interval', message: /end year 2020 is before start year 2030/ },
    { name: 'unknown zone', breakIt: (c) => (c.time_intervals[0].time_intervals[0].location = 'Europe/Atlantis'), path: ['time_intervals', 0, 'time_intervals', 0, 'location'], code: 'time-interval', message: /unknown time zone Europe\/Atlantis/ },
    { name: 'duplicate interval name', breakIt: (c) => c.time_intervals.push({ name: 'office', time_intervals: [] }), path: ['time_intervals', 1, 'name'], code: 'time-interval', message: /not unique/ },
    { name: 'bad matcher syntax', breakIt: (c) => (c.route.routes[0].matchers = ['severity=="warning"']), path: ['route', 'routes', 0, 'matchers', 0], code: 'matcher', message: /unescaped double quote/ },
    { name: 'matcher without operator', breakIt: (c) => (c.route.routes[0].matchers = ['severity']), path: ['route', 'routes', 0, 'matchers', 0], code: 'matcher', message: /bad matcher format/ },
    { name: 'regex RE2 refuses', breakIt: (c) => (c.route.routes[0].matchers = ['service=~"(?!api).*"']), path: ['route', 'routes', 0, 'matchers', 0], code: 'matcher', message: /lookahead/ },
    { name: 'broken regex', breakIt: (c) => (c.route.routes[0].matchers = ['service=~"api|(web"']), path: ['route', 'routes', 0, 'matchers', 0], code: 'matcher', message: /invalid regular expression/ },
    { name: 'group_by label name', breakIt: (c) => (c.route.group_by = ['alertname', 'service-name']), path: ['route', 'group_by', 1], code: 'label-name', message: /invalid label name "service-name" in group_by/ },
    { name: 'group_by wildcard with labels', breakIt: (c) => (c.route.group_by = ['...', 'alertname']), path: ['route', 'group_by'], code: 'group-by', message: /wildcard/ },
    { name: 'group_by duplicate', breakIt: (c) => (c.route.group_by = ['alertname', 'alertname']), path: ['route', 'group_by', 1], code: 'group-by', message: /duplicated label/ },
    { name: 'duration grammar', breakIt: (c) => (c.route.routes[0].group_wait = '30 s'), path: ['route', 'routes', 0, 'group_wait'], code: 'duration', message: /not a duration/ },
    { name: 'duration units out of order', breakIt: (c) => (c.route.group_interval = '30s5m'), path: ['route', 'group_interval'], code: 'duration', message: /not a duration/ },
    { name: 'zero repeat_interval', breakIt: (c) => (c.route.repeat_interval = '0s'), path: ['route', 'repeat_interval'], code: 'duration', message: /repeat_interval cannot be zero/ },
    { name: 'webhook URL scheme', breakIt: (c) => (c.receivers[1].webhook_configs[0].url = 'ftp://hooks.example.com/'), path: ['receivers', 1, 'webhook_configs', 0, 'url'], code: 'url', message: /unsupported scheme "ftp"/ },
    { name: 'webhook URL not a URL', breakIt: (c) => (c.receivers[1].webhook_configs[0].url = 'hooks.example.com/alerts'), path: ['receivers', 1, 'webhook_configs', 0, 'url'], code: 'url', message: /is not a URL/ },
    { name: 'webhook url and url_file', breakIt: (c) => (c.receivers[1].webhook_configs[0].url_file = '/run/secrets/hook'), path: ['receivers', 1, 'webhook_configs', 0, 'url_file'], code: 'receiver-config', message: /at most one of url & url_file/ },
    { name: 'webhook with neither', breakIt: (c) => delete c.receivers[1].webhook_configs[0].url, path: ['receivers', 1, 'webhook_configs', 0], code: 'receiver-config', message: /one of url or url_file/ },
    { name: 'userinfo in a URL', breakIt: (c) => (c.receivers[1].webhook_configs[0].url = 'https://bot:s3cr3t@hooks.example.com/x'), path: ['receivers', 1, 'webhook_configs', 0, 'url'], code: 'secret-in-url', message: /userinfo/, amtool: false },
    { name: 'token in a query', breakIt: (c) => (c.receivers[1].webhook_configs[0].url = 'https://hooks.example.com/x?Access_Token=abc'), path: ['receivers', 1, 'webhook_configs', 0, 'url'], code: 'secret-in-url', message: /query parameter "Access_Token"/, amtool: false },
    { name: 'email without to', breakIt: (c) => (c.receivers[1].email_configs[0].to = ''), path: ['receivers', 1, 'email_configs', 0, 'to'], code: 'receiver-config', message: /missing to address/ },
    { name: 'email without smarthost anywhere', breakIt: (c) => delete c.global.smtp_smarthost, path: ['receivers', 1, 'email_configs', 0], code: 'receiver-config', message: /no SMTP smarthost/ },
    { name: 'pagerduty without key', breakIt: (c) => (c.receivers[1].pagerduty_configs = [{ send_resolved: true }]), path: ['receivers', 1, 'pagerduty_configs', 0], code: 'receiver-config', message: /missing service or routing key/ },
    { name: 'slack without URL', breakIt: (c) => (c.receivers[1].slack_configs = [{ channel: '#x' }]), path: ['receivers', 1, 'slack_configs', 0], code: 'receiver-config', message: /no Slack API URL/ },
    { name: 'duplicate receiver', breakIt: (c) => c.receivers.push({ name: 'team' }), path: ['receivers', 2, 'name'], code: 'receiver-config', message: /not unique/ },
    { name: 'route to an undefined receiver', breakIt: (c) => (c.route.routes[0].receiver = 'chat'), path: ['route', 'routes', 0, 'receiver'], code: 'unknown-receiver', message: /undefined receiver "chat"/ },
    { name: 'undefined time interval', breakIt: (c) => (c.route.routes[0].active_time_intervals = ['weekend']), path: ['route', 'routes', 0, 'active_time_intervals', 0], code: 'unknown-time-interval', message: /undefined time interval "weekend"/ },
    { name: 'root route with matchers', breakIt: (c) => (c.route.matchers = ['a="b"']), path: ['route'], code: 'route', message: /root route must not have any matchers/ },
    { name: 'inhibit matcher', breakIt: (c) => (c.inhibit_rules[0].target_matchers = ['severity=~"warning|("']), path: ['inhibit_rules', 0, 'target_matchers', 0], code: 'matcher', message: /invalid regular expression/ },
    { name: 'inhibit equal label', breakIt: (c) => (c.inhibit_rules[0].equal = ['alert name']), path: ['inhibit_rules', 0, 'equal', 0], code: 'label-name', message: /invalid label name/ },
    { name: 'inline bearer token', breakIt: (c) => (c.receivers[1].webhook_configs[0].http_config = { authorization: { credentials: 'x' } }), path: ['receivers', 1, 'webhook_configs', 0, 'http_config', 'authorization', 'credentials'], code: 'secret-in-config', message: /plain text/, amtool: false },
  ];
  it.each(cases)('$name: path and message', ({ breakIt, path, code, message }) => {
    const c = config();
    breakIt(c);
    const issues = validateAlertmanagerConfig(c);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toEqual(path);
    expect(issues[0]!.code).toBe(code);
    expect(issues[0]!.message).toMatch(message);
    expect(issues[0]!.hint, 'hint').toBeTruthy();
  });

  // The same cases through the real amtool (Debian's 0.25): it refuses each one obsgen refuses
  // for Alertmanager's reasons, and loads the base config.
  it('agrees with amtool check-config on the base config and every case', async () => {
    const dir = tempDir();
    // Asynchronous, so the test worker keeps answering vitest while amtool runs.
    const amtool = (c: unknown, i: number) =>
      new Promise<{ ok: boolean; output: string }>((resolve) => {
        const file = join(dir, `alertmanager-${i}.yml`);
        writeFileSync(file, stringify(c));
        execFile('amtool', ['check-config', file], { timeout: 20_000 }, (err, stdout, stderr) => resolve({ ok: !err, output: stdout + stderr }));
      });
    const base = await amtool(config(), -1);
    expect(base.ok, base.output).toBe(true);
    for (const [i, { name, breakIt, amtool: refuses }] of cases.entries()) {
      const c = config();
      breakIt(c);
      const r = await amtool(c, i);
      expect(r.ok, `${name}: ${r.output}`).toBe(refuses === false);
    }
  }, 60_000);

  it('reports every problem at once', () => {
    const c = config();
    c.time_intervals[0].time_intervals[0].times[0].end_time = '25:00';
    c.route.group_wait = 'soon';
    c.route.routes[0].receiver = 'chat';
    expect(validateAlertmanagerConfig(c).map((i) => i.code).sort()).toEqual(['duration', 'time-interval', 'unknown-receiver']);
  });

  it('never prints the credential it found', () => {
    const c = config();
    c.receivers[1].webhook_configs[0].url = 'https://bot:hunter2@hooks.example.com/x?token=abc123';
    expect(JSON.stringify(validateAlertmanagerConfig(c))).not.toMatch(/hunter2|abc123/);
  });
});

describe('RE2 and URL credentials', () => {
  it('accepts RE2-only syntax and refuses what RE2 lacks', () => {
    for (const ok of ['(?i)api|web', '(?P<svc>api)', 'a\\z', '[[:alpha:]]+', '\\pL+', 'x{1000}', '[]a]']) expect(re2Problem(ok)).toBeUndefined();
    expect(re2Problem('(a)\\1')).toMatch(/backreference/);
    expect(re2Problem('(?<=a)b')).toMatch(/lookbehind/);
    expect(re2Problem('x{1001}')).toMatch(/1000/);
    expect(re2Problem('[[:nope:]]')).toMatch(/POSIX/);
    expect(re2Problem('(a')).toBeDefined();
  });
  it('matches RE2 inline flags in route walks (JavaScript alone throws on (?i))', () => {
    expect(matches({ name: 'service', op: '=~', value: '(?i)api|web' }, { service: 'API' })).toBe(true);
    expect(matches({ name: 'service', op: '=~', value: '(?P<s>api)' }, { service: 'api' })).toBe(true);
    expect(matches({ name: 'service', op: '=~', value: 'api|(' }, { service: 'api' })).toBe(false);
  });
  it('finds credentials in userinfo and secret-looking query parameters, case-insensitively', () => {
    for (const bad of ['https://u:p@h/', 'https://TOKEN@h/', 'https://h/?token=x', 'https://h/?API_KEY=x', 'https://h/?apiKey=x', 'https://h/?sig=x', 'https://h/?X-Amz-Signature=x', 'https://h/?client_secret=x', 'https://h/?password=x', 'https://h/?auth=x']) {
      expect(urlCredentials(bad), bad).toBeDefined();
    }
    for (const ok of ['https://h/path', 'https://h/?channel=x&monkey=1', 'https://h/?keyboard=1']) expect(urlCredentials(ok), ok).toBeUndefined();
  });
});
