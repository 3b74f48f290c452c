/**
 * Panels that match on a label their metric never carries (issue 12 item 16): the service's
 * declared status code label, the catalog's labels of a job's exporter, and the labels
 * recording rules keep. Unknown metrics and matchers a missing label satisfies pass.
 */
import { describe, expect, it } from 'vitest';
import { dashboard, defineStack, httpService, postgres, row, timeseries, trySynth } from 'obsgen';
import freeagentics from '../../stacks/freeagentics.ts';
import { fromBundle, lintInput } from '../../src/lint/index.ts';

/** A stack with one httpService (codeLabel as given), a postgres mixin, an opaque job and one user panel per query. */
function stackWith(queries: string[], codeLabel?: string) {
  return defineStack({
    name: 'shop',
    services: [httpService({ name: 'checkout', targets: ['checkout:8080'], ...(codeLabel ? { metrics: { codeLabel } } : {}) })],
    mixins: [postgres({ targets: ['postgres-exporter:9187'] })],
    scrapeJobs: [{ name: 'worker', targets: ['worker:9000'] }],
    dashboards: [
      dashboard({
        uid: 'shop-labels',
        title: 'Shop / Labels',
        panels: [row('Queries', queries.map((query, i) => timeseries({ title: `Panel ${i}`, query, unit: 'short' })))],
      }),
    ],
  });
}

const findings = (queries: string[], codeLabel?: string) => {
  const r = trySynth(stackWith(queries, codeLabel));
  return r.diagnostics.items.filter((d) => d.code === 'absent-label');
};

describe('panels match only on labels their metric can carry', () => {
  it("freeagentics' Rate-limited requests/s panel matches the service's code label (was status, always empty)", () => {
    const r = trySynth(freeagentics);
    expect(r.diagnostics.errors).toEqual([]);
    const panel = JSON.stringify(r.bundle!.dashboards.find((d) => d.model.title === 'FreeAgentics / Security')!.model);
    expect(panel).toContain('http_requests_total{job=\\"api-servers\\",code=\\"429\\"}');
  });

  it('a status code matcher under another name than the declared codeLabel is a build error naming dashboard, panel and the labels', () => {
    const [d, ...rest] = findings(['sum(rate(http_requests_total{job="checkout",status="429"}[$__rate_interval]))']);
    expect(rest).toEqual([]);
    expect(d!.severity).toBe('error');
    expect(d!.message).toContain('dashboard shop-labels:');
    expect(d!.message).toContain('"Panel 0"');
    expect(d!.message).toContain('matches status="429" on http_requests_total, which never carries status');
    expect(d!.hint).toContain('http_requests_total carries code, instance, job');
    expect(d!.hint).toContain('services[0].metrics.codeLabel');
    // The build fails, so nothing is written.
    expect(trySynth(stackWith(['sum(rate(http_requests_total{job="checkout",status="429"}[$__rate_interval]))'])).bundle).toBeUndefined();
    // Histogram series of the service too, and regex matchers that need the label.
    expect(findings(['sum(rate(http_request_duration_seconds_count{job="checkout",status_code=~"5.."}[$__rate_interval]))']).map((x) => x.severity)).toEqual(['error']);
  });

  it("follows the declared codeLabel: status is right when the service says so, and code is then wrong", () => {
    expect(findings(['sum(rate(http_requests_total{job="checkout",status="429"}[$__rate_interval]))'], 'status')).toEqual([]);
    expect(findings(['sum(rate(http_requests_total{job="checkout",code="429"}[$__rate_interval]))'], 'status').map((x) => x.message)).toEqual([
      expect.stringContaining('matches code="429" on http_requests_total'),
    ]);
  });

  it('warns on a label the catalog does not list for the exporter of the job, and on one a recording rule drops', () => {
    const [pg] = findings(['pg_up{job="postgres",datname="shop"}']);
    expect(pg!.severity).toBe('warning');
    expect(pg!.hint).toContain('the catalog (postgres_exporter) for job postgres');
    // job:http_requests:rate5m is `sum by (job)`: no code label survives it.
    const [rec] = findings(['sum(job:http_requests:rate5m{job="checkout",code="500"})']);
    expect(rec!.severity).toBe('warning');
    expect(rec!.hint).toContain('job:http_requests:rate5m carries job');
  });

  it('lets pass what is not known or not needed: undeclared labels, unknown metrics, negative and match-all matchers', () => {
    expect(
      findings([
        'sum(rate(http_requests_total{job="checkout",code="429",method="GET"}[$__rate_interval]))', // method: not declared either way
        'sum(rate(worker_jobs_total{job="worker",status="failed"}[$__rate_interval]))', // opaque job
        'sum(rate(http_requests_total{status="429"}[$__rate_interval]))', // no job matcher, and an opaque job might expose it
        'sum(rate(http_requests_total{job="checkout",status!="429"}[$__rate_interval]))', // satisfied by a missing label
        'sum(rate(http_requests_total{job="checkout",status=~".*"}[$__rate_interval]))',
        'pg_stat_database_numbackends{job="postgres",datname="shop"}',
      ]),
    ).toEqual([]);
  });

  it('lint reports the same finding for a built bundle', () => {
    const bundle = trySynth(stackWith(['sum(rate(http_requests_total{job="checkout",code="429"}[$__rate_interval]))'])).bundle!;
    expect(lintInput(fromBundle(bundle)).filter((x) => x.id === 'dashboards/absent-label')).toEqual([]);
    // The panel edited by hand after the build, as lint sees a stale bundle.
    const model = bundle.dashboards.find((d) => d.uid === 'shop-labels')!.model;
    const edited = JSON.parse(JSON.stringify(model).replace('code=\\"429\\"', 'status=\\"429\\"'));
    bundle.dashboards = bundle.dashboards.map((d) => (d.uid === 'shop-labels' ? { ...d, model: edited } : d));
    const f = lintInput(fromBundle(bundle)).filter((x) => x.id === 'dashboards/absent-label');
    expect(f.map((x) => [x.severity, x.file])).toEqual([['error', 'grafana/dashboards/shop/shop-labels.json']]);
  });
});
