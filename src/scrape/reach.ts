/**
 * Which scrape jobs a compose stack can scrape. A job with in-cluster Kubernetes discovery
 * (no `apiServer`, no `kubeconfigFile`) finds nothing outside the cluster: compose leaves it
 * out of prometheus.yml rather than ship a job that scrapes nothing. The job stays in the
 * bundle's model, for a target that runs inside the cluster.
 */
import type { Diagnostics } from '../core/diagnostics.ts';
import type { AlertRule, RuleGroup, ScrapeJob } from '../core/model.ts';
import { inClusterDiscovery } from './jobs.ts';

export function composeCanScrape(job: ScrapeJob): boolean {
  // A job given only in its prometheus-operator form (`kubernetes`) has nothing compose can discover.
  const discoverable = job.staticConfigs || job.fileSdConfigs || job.kubernetesSdConfigs;
  return Boolean(discoverable) && !inClusterDiscovery(job);
}

/** Alerts whose expression names the job (`job="x"`, or `x` in a `job=~` alternation). */
function alertsReading(job: string, groups: RuleGroup[]): string[] {
  const esc = job.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`job\\s*=\\s*"${esc}"|job\\s*=~\\s*"(?:[^"]*\\|)?${esc}(?:\\|[^"]*)?"`);
  const names = groups.flatMap((g) => g.rules.filter((r): r is AlertRule => r.kind === 'alert' && re.test(r.expr)).map((r) => r.name));
  return [...new Set(names)].sort();
}

/** One warning per job compose leaves out, naming the alerts that will not see its series. */
export function warnJobsComposeLeavesOut(jobs: ScrapeJob[], groups: RuleGroup[], diag: Diagnostics): void {
  for (const job of jobs) {
    if (composeCanScrape(job)) continue;
    const alerts = alertsReading(job.name, groups);
    diag.warn(job.source, 'compose-in-cluster-job', `scrape job ${JSON.stringify(job.name)} uses in-cluster Kubernetes discovery${job.kubernetesSdConfigs ? '' : ' (its prometheus-operator form only)'}, which finds nothing outside the cluster: the compose bundle leaves it out of prometheus.yml${alerts.length ? `, so ${alerts.join(', ')} cannot see its series there (nor the rules built on its series)` : ''}`, {
      hint: "give kubernetesSd: { apiServer: 'https://<api server>', bearerTokenFile: '/run/secrets/<token>', tls: { caFile: '/run/secrets/<ca>' } } (or kubeconfigFile) so compose's Prometheus can discover it",
    });
  }
}
