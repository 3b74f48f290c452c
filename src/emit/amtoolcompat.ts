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
