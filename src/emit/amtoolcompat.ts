import { EXTRA_RECEIVER_KINDS, RECEIVER_SPECS } from '../alertmanager/receivers.ts';
/**
 * Debian's amtool is 0.25, which predates webhook `url_file` (0.26): the copy it checks has
 * url_file swapped for a stand-in url; obsgen's own validation checked url_file.
 */
export function standInUrlFiles(config: { receivers?: { name?: string; webhook_configs?: Record<string, unknown>[] }[] }): string[] {
  const swapped: string[] = [];
  for (const r of config.receivers ?? []) {
    for (const w of r.webhook_configs ?? []) {
      if (typeof w.url_file !== 'string') continue;
      delete w.url_file;
      w.url = 'http://127.0.0.1/url-file-stand-in';
      swapped.push(String(r.name));
    }
  }
  return swapped;
}

/**
 * Integrations and secret-file fields newer than amtool 0.25 (src/alertmanager/receivers.ts):
 * the copy amtool checks drops the integrations it does not know (msteams, msteamsv2, jira,
 * rocketchat) and swaps newer `*_file` fields for stand-in values of their inline form; obsgen's
 * own validation checked the real ones. Returns what it changed, e.g. `oncall (telegram bot_token_file, 0.26+)`.
 */
export function standInNewerReceivers(config: { receivers?: Record<string, unknown>[] }): string[] {
  const changed: string[] = [];
  for (const r of config.receivers ?? []) {
    for (const kind of EXTRA_RECEIVER_KINDS) {
      const key = `${kind}_configs`;
      const spec = RECEIVER_SPECS[kind];
      if (!Array.isArray(r[key])) continue;
      if (spec.since) {
        delete r[key];
        changed.push(`${String(r.name)} (${kind}, ${spec.since}+)`);
        continue;
      }
      for (const c of r[key] as Record<string, unknown>[]) {
        for (const [inline, file] of Object.entries(spec.secrets)) {
          const since = spec.newerFields?.[file];
          if (!since || c[file] === undefined) continue;
          delete c[file];
          c[inline] = /url/.test(inline) ? 'http://127.0.0.1/file-stand-in' : 'file-stand-in';
          changed.push(`${String(r.name)} (${kind} ${file}, ${since}+)`);
        }
      }
    }
  }
  return changed;
}
