/** URLs that end up in the bundle: absolute http(s), never with credentials in them. */
import { z } from 'zod';

/** An absolute http(s) base URL without credentials, query or fragment. */
export const baseUrl = z.string().superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: 'custom', input: value, message: 'is not an absolute URL', params: { hint: 'give the full address users open, e.g. https://grafana.example.com' } });
    return;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    ctx.addIssue({ code: 'custom', input: value, message: `has scheme ${url.protocol.replace(/:$/, '')}; links need http or https`, params: { hint: 'e.g. https://grafana.example.com' } });
  }
  if (url.username || url.password) {
    ctx.addIssue({
      code: 'custom',
      input: value.replace(/\/\/[^@/]*@/, '//***@'),
      message: 'carries credentials: they would be printed in every alert and notification',
      params: { hint: 'remove user:password@ from the URL; put authentication in the proxy in front of the service' },
    });
  }
  if (url.search || url.hash) {
    ctx.addIssue({ code: 'custom', input: value, message: 'has a query or fragment; a base URL cannot', params: { hint: 'give the base only, e.g. https://wiki.example.com/runbooks' } });
  }
});
