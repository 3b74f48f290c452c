/**
 * Checks over a synthesized bundle that no single component can make: names unique
 * across the stack, every expression parses, every template renders, every alert
 * follows the conventions and has tests, dashboards are well-formed.
 */
import type { Diagnostics } from '../core/diagnostics.ts';
import { durationMs } from '../core/duration.ts';
import type { AlertRule, ExpectedAlert, Rule } from '../core/model.ts';
import { LABEL_NAME_HINT, LABEL_NAME_RE } from '../core/names.ts';
import { parsePromQL } from '../core/promql.ts';
import { renderTemplate, sampleData, TemplateError } from '../core/template.ts';
import type { Bundle } from './bundle.ts';
import { checkDashboards } from '../dashboards/check.ts';

/** Burn-rate pairs carry both window labels; their short window debounces, so they need no `for`. */
export function isBurnRateAlert(rule: AlertRule): boolean {
  return 'long_window' in rule.labels && 'short_window' in rule.labels;
}

/**
 * Two alerts with one name and the same static labels collide in Alertmanager. Recording
 * rules of one name are fine when their expressions differ (per-job rules produce
 * distinct series); the same name, expression and labels twice is a copy.
 */
function ruleKey(rule: Rule): string {
  const labels = rule.kind === 'alert' ? rule.labels : (rule.labels ?? {});
  // An alert whose series bring their own identifying labels (one rule for many SLOs) is told apart by its expression.
  const id = rule.kind === 'alert' && !rule.seriesLabels?.length ? rule.name : `${rule.name} ${rule.expr}`;
  return `${id}${JSON.stringify(Object.keys(labels).sort().map((k) => [k, labels[k]]))}`;
}

function checkExpr(expr: string, path: string, what: string, diag: Diagnostics): void {
  const parsed = parsePromQL(expr);
  for (const e of parsed.errors) {
    diag.error(path, 'promql-syntax', `${what}: ${e.message} at position ${e.from}`, {
      value: expr,
      hint: 'fix the PromQL; the position counts characters from the start of the expression',
    });
  }
}

function checkAlert(rule: AlertRule, diag: Diagnostics): void {
  const p = rule.source;
  const sev = rule.labels.severity;
  if (!['critical', 'warning', 'info', 'none'].includes(sev)) {
    diag.error(p, 'bad-severity', `alert ${rule.name} has severity ${JSON.stringify(sev)}`, { value: sev, hint: 'use critical (pages), warning (ticket) or info (not routed)' });
  }
  if (!rule.labels.service && !rule.seriesLabels?.includes('service')) diag.error(p, 'missing-label', `alert ${rule.name} has no service label`, { hint: 'set service: the component the alert is about' });
  for (const key of ['summary', 'description', 'runbook_url']) {
    if (!rule.annotations[key]) diag.error(p, 'missing-annotation', `alert ${rule.name} has no ${key} annotation`, { hint: `add ${key}` });
  }
  if (!rule.for && !isBurnRateAlert(rule)) {
    diag.error(p, 'missing-for', `alert ${rule.name} has no for:`, { hint: 'give a for: duration so one bad evaluation does not page' });
  }
  for (const [name] of Object.entries(rule.labels)) {
    if (!LABEL_NAME_RE.test(name)) diag.error(p, 'bad-label-name', `alert ${rule.name} has label ${JSON.stringify(name)}`, { value: name, hint: LABEL_NAME_HINT });
  }
  const firing = rule.tests.some((t) => t.checks.some((c) => c.firing.length > 0));
  const quiet = rule.tests.some((t) => t.checks.some((c) => c.firing.length === 0));
  // An alert its producer could not test was reported there (with the reason); a second error here would blame the rule.
  if ((!firing || !quiet) && !rule.untested) {
    diag.error(p, 'missing-tests', `alert ${rule.name} needs a test where it fires and one where it stays quiet`, {
      hint: 'add test scenarios to the alert (tests: [...])',
    });
  }
  // Every template must render the way Prometheus would, with the labels the tests expect.
  const sample: ExpectedAlert = rule.tests.flatMap((t) => t.checks.flatMap((c) => c.firing))[0] ?? { labels: {}, value: 1 };
  for (const [key, text] of [...Object.entries(rule.annotations), ...Object.entries(rule.labels)]) {
    try {
      renderTemplate(text, sampleData(sample));
      // Every query may come back empty (a fresh Prometheus, a series not recorded yet): then
      // an unguarded `first` puts Prometheus's error text into the notification.
      renderTemplate(text, sampleData({ labels: sample.labels, value: sample.value }));
    } catch (e) {
      if (e instanceof TemplateError && /no elements/.test(e.message)) {
        diag.error(p, 'template-query-unguarded', `alert ${rule.name}: ${key} template: when its query returns nothing it renders "<error expanding template: ${e.message}>"`, {
          value: text,
          hint: 'guard the query: {{ with query "..." }}{{ . | first | value }}{{ else }}(what to say without data){{ end }}',
        });
      } else if (e instanceof TemplateError) {
        diag.error(p, 'template', `alert ${rule.name}: ${key} template: ${e.message}`, { value: text, hint: 'fix the Go template; see Prometheus alerting template reference' });
      } else throw e;
    }
  }
  for (const t of rule.tests) {
    for (const c of t.checks) {
      if (durationMs(c.at) < 0) diag.error(p, 'bad-test', `test ${t.name} checks at a negative time`, { value: c.at });
    }
  }
}

export function checkBundle(bundle: Bundle, diag: Diagnostics): void {
  const alertCount = bundle.ruleGroups.reduce((n, g) => n + g.rules.length, 0);
  if (bundle.scrapeJobs.filter((j) => !j.source.startsWith('prometheus.selfMonitoring')).length === 0 && alertCount === 0) {
    diag.error('', 'empty-stack', 'the stack defines no services, mixins, scrape jobs or rules', {
      hint: 'add services: [httpService({...})], mixins: [...] or scrapeJobs: [...]',
    });
  }

  const jobs = new Map<string, string>();
  for (const job of bundle.scrapeJobs) {
    const prev = jobs.get(job.name);
    if (prev !== undefined) {
      diag.error(job.source, 'duplicate-job', `scrape job ${JSON.stringify(job.name)} is also defined at ${prev || 'the stack'}`, {
        value: job.name,
        hint: 'job names must be unique in a stack; rename one, or set ownJob: false on a service that reuses a job',
      });
    } else jobs.set(job.name, job.source);
    const interval = durationMs(job.scrapeInterval ?? bundle.globals.scrapeInterval);
    if (job.scrapeTimeout && durationMs(job.scrapeTimeout) > interval) {
      diag.error(job.source, 'scrape-timeout', `scrape timeout ${job.scrapeTimeout} is longer than the interval`, { value: job.scrapeTimeout, hint: 'make scrapeTimeout <= scrapeInterval' });
    }
  }

  const groups = new Map<string, string>();
  const rules = new Map<string, string>();
  for (const group of bundle.ruleGroups) {
    const prev = groups.get(group.name);
    if (prev !== undefined) {
      diag.error(group.source, 'duplicate-group', `rule group ${JSON.stringify(group.name)} is also defined at ${prev}`, {
        value: group.name,
        hint: 'give each group a unique name (it is also the rule file name)',
      });
    } else groups.set(group.name, group.source);
    for (const rule of group.rules) {
      const key = ruleKey(rule);
      const dup = rules.get(key);
      if (dup !== undefined) {
        diag.error(rule.source, rule.kind === 'alert' ? 'duplicate-alert' : 'duplicate-record', `${rule.kind === 'alert' ? 'alert' : 'recording rule'} ${rule.name} with the same labels is also defined at ${dup}`, {
          value: rule.name,
          hint: rule.kind === 'alert' ? 'rename one alert (name: ...) or give the twins different severities' : 'rename one of the recording rules',
        });
      } else rules.set(key, rule.source);
      checkExpr(rule.expr, rule.source, `${rule.kind === 'alert' ? 'alert' : 'record'} ${rule.name}`, diag);
      if (rule.kind === 'alert') checkAlert(rule, diag);
    }
  }

  checkDashboards(bundle, diag);
}
