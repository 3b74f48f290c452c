/**
 * Credentials inside URLs. obsgen never writes a secret into a bundle: a URL with userinfo
 * (`https://user:token@host/`) or a query parameter named like a secret (`?token=`,
 * `&api_key=`, `&sig=`) is refused wherever obsgen writes a URL, and the caller points
 * to the `*File` prop that reads the value from a file instead.
 */

/** Words that make a query parameter name a secret, matched per word of the name (case-insensitive). */
const SECRET_WORDS = new Set([
  'token',
  'key',
  'secret',
  'password',
  'passwd',
  'pwd',
  'pass',
  'sig',
  'signature',
  'auth',
  'authorization',
  'credential',
  'credentials',
  'apikey',
  'accesstoken',
  'sessionid',
]);

/** Words of a parameter name: split at `_`, `-`, `.` and camelCase boundaries. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

export function isSecretParamName(name: string): boolean {
  const ws = words(name);
  return ws.some((w) => SECRET_WORDS.has(w)) || SECRET_WORDS.has(ws.join(''));
}

/**
 * What in this URL is a credential ("userinfo", "query parameter token"), or undefined.
 * Text that does not parse as a URL has no credentials to find (the caller checks validity).
 */
export function urlCredentials(text: string): string | undefined {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return undefined;
  }
  if (u.username || u.password) return 'userinfo (user:password@ before the host)';
  for (const name of new Set(u.searchParams.keys())) {
    if (isSecretParamName(name)) return `query parameter ${JSON.stringify(name)}`;
  }
  return undefined;
}

/** The URL with credentials masked, safe to print in a message. */
export function redactUrl(text: string): string {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return text;
  }
  if (u.username) u.username = 'REDACTED';
  if (u.password) u.password = 'REDACTED';
  for (const name of [...new Set(u.searchParams.keys())]) if (isSecretParamName(name)) u.searchParams.set(name, 'REDACTED');
  return u.toString();
}
