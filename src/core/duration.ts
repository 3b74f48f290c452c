/**
 * Prometheus durations: `[0-9]+(ms|s|m|h|d|w|y)` units, largest first, e.g. `1h30m`, `300ms`.
 * Kept as milliseconds internally; printed back in the canonical Prometheus form.
 */
const UNIT_MS: ReadonlyArray<readonly [string, number]> = [
  ['y', 365 * 24 * 3600 * 1000],
  ['w', 7 * 24 * 3600 * 1000],
  ['d', 24 * 3600 * 1000],
  ['h', 3600 * 1000],
  ['m', 60 * 1000],
  ['s', 1000],
  ['ms', 1],
];

const DURATION_RE = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

/** Parses a Prometheus duration; returns undefined when the text is not one. */
export function parseDuration(text: string): number | undefined {
  if (typeof text !== 'string' || text === '' || text === '0') return text === '0' ? 0 : undefined;
  const m = DURATION_RE.exec(text);
  if (!m) return undefined;
  let ms = 0;
  for (let i = 0; i < UNIT_MS.length; i++) {
    const part = m[i + 1];
    if (part !== undefined) ms += Number(part) * UNIT_MS[i]![1];
  }
  return ms;
}

export function isDuration(text: unknown): text is string {
  return typeof text === 'string' && parseDuration(text) !== undefined;
}

/** Milliseconds of a duration known to be valid (validated by the schema first). */
export function durationMs(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new Error(`invalid duration ${JSON.stringify(text)}`);
  return ms;
}

export function durationSeconds(text: string): number {
  return durationMs(text) / 1000;
}

/** Canonical Prometheus form: 90000 -> "1m30s", 86400000 -> "1d". Years and weeks are not used. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = Math.round(ms);
  let out = '';
  for (const [unit, size] of UNIT_MS) {
    if (unit === 'y' || unit === 'w') continue;
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}

export const DURATION_HINT = 'use a Prometheus duration such as 30s, 5m, 1h30m or 7d';
