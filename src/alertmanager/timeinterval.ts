/**
 * Alertmanager's time_interval values (timeinterval/timeinterval.go): times of day, weekday,
 * day-of-month, month and year ranges, and the location (IANA zone) they are read in.
 * Values Alertmanager accepts but that can never match (month 13, year 0) are refused too.
 */
import type { PathPart } from '../core/diagnostics.ts';
import type { ConfigIssue } from './validate.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

const TIME_RE = /^((([01][0-9])|(2[0-3])):[0-5][0-9])$|(^24:00$)/;

/** Minutes since midnight of `HH:MM` (00:00 to 24:00), or the reason it is not one. */
export function parseTimeOfDay(text: unknown): number | string {
  if (typeof text !== 'string' || !TIME_RE.test(text)) return `${JSON.stringify(text)} is not a time of day HH:MM between 00:00 and 24:00`;
  const [h, m] = text.split(':').map(Number);
  return h! * 60 + m!;
}

export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
export const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** Go's strconv.Atoi: an optional sign and decimal digits. */
function atoi(text: string): number | undefined {
  return /^[+-]?\d+$/.test(text) ? Number(text) : undefined;
}

/** `a` or `a:b`, lower-cased as Alertmanager does, each side through `member`. */
function range(text: unknown, member: (s: string) => number | string): { begin: number; end: number } | string {
  if (typeof text !== 'string') return `${JSON.stringify(text)} is not a string`;
  const parts = text.toLowerCase().split(':');
  if (parts.length > 2) return `couldn't parse range ${text}, invalid format`;
  const got = parts.map(member);
  const bad = got.find((g) => typeof g === 'string');
  if (bad !== undefined) return bad as string;
  return { begin: got[0] as number, end: got[parts.length - 1] as number };
}

export function checkWeekdayRange(text: unknown): string | undefined {
  const r = range(text, (s) => (WEEKDAYS.includes(s) ? WEEKDAYS.indexOf(s) : `${s} is not a valid weekday`));
  if (typeof r === 'string') return r;
  if (r.begin > r.end) return 'start day cannot be before end day (ranges run sunday to saturday; write saturday:sunday as two entries)';
  return undefined;
}

export function checkDayOfMonthRange(text: unknown): string | undefined {
  const r = range(text, (s) => atoi(s) ?? `${s} is not a day of the month`);
  if (typeof r === 'string') return r;
  for (const d of [r.begin, r.end]) if (d === 0 || d < -31 || d > 31) return `${d} is not a valid day of the month: out of range (1 to 31, or -31 to -1 counted from the month's end)`;
  if (r.begin < 0 && r.end > 0) return 'end day must be negative if start day is negative';
  const b = r.begin < 0 ? 28 + r.begin : r.begin;
  const e = r.end < 0 ? 28 + r.end : r.end;
  if (b > e) return `end day ${r.end} is always before start day ${r.begin}`;
  return undefined;
}

export function checkMonthRange(text: unknown): string | undefined {
  const r = range(text, (s) => (MONTHS.includes(s) ? MONTHS.indexOf(s) + 1 : (atoi(s) ?? `${s} is not a valid month`)));
  if (typeof r === 'string') return r;
  for (const m of [r.begin, r.end]) if (m < 1 || m > 12) return `${m} is not a month (1 to 12, or january to december): it would never match`;
  if (r.begin > r.end) return `end month ${MONTHS[r.end - 1]} is before start month ${MONTHS[r.begin - 1]}`;
  return undefined;
}

export function checkYearRange(text: unknown): string | undefined {
  const r = range(text, (s) => atoi(s) ?? `${s} is not a year`);
  if (typeof r === 'string') return r;
  for (const y of [r.begin, r.end]) if (y < 1) return `${y} is not a year: it would never match`;
  if (r.begin > r.end) return `end year ${r.end} is before start year ${r.begin}`;
  return undefined;
}

let zones: Map<string, string> | undefined;
/** IANA zone names Node knows, by lower-case name (Go's zone lookup is case-sensitive). */
function knownZones(): Map<string, string> {
  if (!zones) zones = new Map(Intl.supportedValuesOf('timeZone').map((z) => [z.toLowerCase(), z]));
  return zones;
}

/**
 * Why `name` is not a location Alertmanager can load (Go's time.LoadLocation), or undefined.
 * `UTC` and `Local` are built in; anything else must be an IANA zone, spelt with its case.
 */
export function checkLocation(name: unknown): string | undefined {
  if (typeof name !== 'string') return `${JSON.stringify(name)} is not a string`;
  if (name === 'UTC' || name === 'Local') return undefined;
  if (name === '') return 'an empty location means UTC: write UTC, or leave location out';
  const known = knownZones().get(name.toLowerCase());
  if (known && known !== name) return `unknown time zone ${name} (zone names are case-sensitive: ${known})`;
  if (known) return undefined;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
  } catch {
    return `unknown time zone ${name}`;
  }
  // Intl also accepts aliases in any case; tz database names start each part with a capital.
  if (!name.split('/').every((part) => /^[A-Z]/.test(part))) return `unknown time zone ${name} (zone names are case-sensitive)`;
  return undefined;
}

const LOCATION_HINT = 'an IANA time zone such as America/New_York or Europe/Berlin, or UTC';

export function checkTimeInterval(ti: unknown, path: PathPart[], out: ConfigIssue[]): void {
  if (!isObj(ti)) {
    out.push({ path, code: 'time-interval', message: 'is not a time interval object', value: ti, hint: 'give times, weekdays, days_of_month, months, years and location as a mapping' });
    return;
  }
  list(ti.times).forEach((t, k) => {
    const p = [...path, 'times', k];
    if (!isObj(t) || !t.start_time || !t.end_time) {
      out.push({ path: p, code: 'time-interval', message: 'both start and end times must be provided', value: t, hint: 'give start and end as HH:MM' });
      return;
    }
    const start = parseTimeOfDay(t.start_time);
    const end = parseTimeOfDay(t.end_time);
    if (typeof start === 'string') out.push({ path: [...p, 'start_time'], code: 'time-interval', message: start, value: t.start_time, hint: 'times are HH:MM from 00:00 to 24:00 (24:00 is the end of the day)' });
    if (typeof end === 'string') out.push({ path: [...p, 'end_time'], code: 'time-interval', message: end, value: t.end_time, hint: 'times are HH:MM from 00:00 to 24:00 (24:00 is the end of the day)' });
    if (typeof start === 'number' && typeof end === 'number' && start >= end) {
      out.push({ path: p, code: 'time-interval', message: `start time ${t.start_time} is not before end time ${t.end_time}`, value: t, hint: 'a range cannot cross midnight: split it into two ranges (e.g. 22:00-24:00 and 00:00-06:00)' });
    }
  });
  const ranges: [string, (v: unknown) => string | undefined, string][] = [
    ['weekdays', checkWeekdayRange, 'weekday names or ranges, e.g. monday:friday'],
    ['days_of_month', checkDayOfMonthRange, 'days 1 to 31 or -31 to -1 (from the end of the month), or ranges such as 1:5 or -3:-1'],
    ['months', checkMonthRange, 'month names or numbers 1 to 12, or ranges such as january:march'],
    ['years', checkYearRange, 'years or ranges such as 2025:2027'],
  ];
  for (const [key, check, hint] of ranges) {
    list(ti[key]).forEach((v, k) => {
      const problem = check(v);
      if (problem) out.push({ path: [...path, key, k], code: 'time-interval', message: problem, value: v, hint });
    });
  }
  if ('location' in ti) {
    const problem = checkLocation(ti.location);
    if (problem) out.push({ path: [...path, 'location'], code: 'time-interval', message: problem, value: ti.location, hint: LOCATION_HINT });
  }
}
