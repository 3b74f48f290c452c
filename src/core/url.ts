/** URLs that end up in the bundle: absolute http(s), never with credentials in them. */
import { z } from 'zod';

/** What the shared URL checks say, per kind of URL. */
export interface HttpUrlText {
  notAbsoluteHint: string;
  /** Ends "has scheme x; ..." */
  schemeNeed: string;
  schemeHint: string;
  credentialsMessage: string;
  credentialsHint: string;
}

/**
 * The checks every URL obsgen writes shares: absolute, http(s), no user:password@ (masked in
 * the error). Returns the parsed URL for a kind's own checks, or undefined when it does not parse.
 */
export function checkHttpUrl(value: string, ctx: z.RefinementCtx, text: HttpUrlText): URL | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: 'custom', input: value, message: 'is not an absolute URL', params: { hint: text.notAbsoluteHint } });
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    ctx.addIssue({ code: 'custom', input: value, message: `has scheme ${url.protocol.replace(/:$/, '')}; ${text.schemeNeed}`, params: { hint: text.schemeHint } });
  }
  if (url.username || url.password) {
    ctx.addIssue({ code: 'custom', input: value.replace(/\/\/[^@/]*@/, '//***@'), message: text.credentialsMessage, params: { hint: text.credentialsHint } });
  }
  return url;
}

/** An absolute http(s) base URL without credentials, query or fragment. */
export const baseUrl = z.string().superRefine((value, ctx) => {
  const url = checkHttpUrl(value, ctx, {
    notAbsoluteHint: 'give the full address users open, e.g. https://grafana.example.com',
    schemeNeed: 'links need http or https',
    schemeHint: 'e.g. https://grafana.example.com',
    credentialsMessage: 'carries credentials: they would be printed in every alert and notification',
    credentialsHint: 'remove user:password@ from the URL; put authentication in the proxy in front of the service',
  });
  if (!url) return;
  if (url.search || url.hash) {
    ctx.addIssue({ code: 'custom', input: value, message: 'has a query or fragment; a base URL cannot', params: { hint: 'give the base only, e.g. https://wiki.example.com/runbooks' } });
  }
});
