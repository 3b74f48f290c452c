/**
 * "obsgen never writes a secret" on the Prometheus side: URLs and parameters obsgen writes
 * into prometheus.yml and the rules (probe targets, scrape params, the links alerts carry)
 * must not hold credentials. Alertmanager's URLs are checked by src/alertmanager/validate.ts.
 */
import type { Diagnostics } from '../core/diagnostics.ts';
import { joinPath } from '../core/diagnostics.ts';
import { isSecretParamName, redactUrl, urlCredentials } from '../core/secrets.ts';
import type { Bundle } from './bundle.ts';

export function checkUrlSecrets(bundle: Bundle, diag: Diagnostics): void {
  for (const job of bundle.scrapeJobs) {
    const single = (job.staticConfigs ?? []).length === 1;
    (job.staticConfigs ?? []).forEach((sc, c) => {
      sc.targets.forEach((t, i) => {
        // A probe target is a URL; host:port targets cannot carry userinfo (their schema refuses it).
        const secret = urlCredentials(t);
        if (!secret) return;
        diag.error(single ? joinPath(job.source, 'targets', i) : joinPath(job.source, 'staticConfigs', c, 'targets', i), 'secret-in-url', `target of job ${job.name} carries a credential (${secret}), which would be written into prometheus.yml and every alert's instance label`, {
          value: redactUrl(t),
          hint: 'probe a URL without credentials, or give the blackbox module the credentials from a file (http.basic_auth.password_file in blackbox.yml)',
        });
      });
    });
    for (const name of Object.keys(job.params ?? {})) {
      if (!isSecretParamName(name)) continue;
      diag.error(joinPath(job.source, 'params', name), 'secret-in-url', `scrape parameter ${JSON.stringify(name)} of job ${job.name} looks like a credential and would be written into prometheus.yml`, {
        hint: 'authenticate with bearerTokenFile or basicAuth.passwordFile, which read the secret from a file',
      });
    }
  }
  // links.* are refused at the schema (src/core/url.ts baseUrl), before a bundle exists.
}
