/**
 * Checks over a synthesized bundle that no single component can make: names unique
 * across the stack, every expression parses and type-checks as Prometheus's parser does, every
 * template renders and reads only labels the expression carries, every alert follows the
 * conventions and has tests, every inhibit rule can mute some pair of alerts, dashboards are
 * well-formed.
 */
import { joinPath, type Diagnostics } from '../core/diagnostics.ts';
import { durationMs } from '../core/duration.ts';
import type { AlertRule, ExpectedAlert, Rule } from '../core/model.ts';
import { LABEL_NAME_HINT, LABEL_NAME_RE } from '../core/names.ts';
import { renderTemplate, sampleData, TemplateError } from '../core/template.ts';
import type { AlertLabels } from '../alertmanager/inhibit.ts';
import type { LabelFlow } from '../promql/labels.ts';
import type { Bundle } from './bundle.ts';
import { checkDashboards } from '../dashboards/check.ts';
import { reportPromQL } from '../promql/index.ts';
import { checkUrlSecrets } from './secrets.ts';
import { alertLabels, bundleLabelFlow, checkInhibitRules, checkTemplateLabels } from './labelflow.ts';

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


function checkAlert(rule: AlertRule, diag: Diagnostics, shared: boolean): void {
  const p = rule.source;
  const sev = rule.labels.severity;
  // An imported rule loads in Prometheus as it is: obsgen's conventions are advice on it, not a reason to refuse the build.
  const convention = (path: string, code: string, message: string, extra: Parameters<Diagnostics['error']>[3] = {}) =>
    rule.imported ? diag.warn(path, code, message, extra) : diag.error(path, code, message, extra);
  if (!['critical', 'warning', 'info', 'none'].includes(sev)) {
    convention(p, 'bad-severity', `alert ${rule.name} has severity ${JSON.stringify(sev)}`, { value: sev, hint: 'use critical (pages), warning (ticket) or info (not routed)' });
  }
  if (!rule.labels.service && !rule.seriesLabels?.includes('service')) convention(p, 'missing-label', `alert ${rule.name} has no service label`, { hint: 'set service: the component the alert is about' });
  for (const key of ['summary', 'description', 'runbook_url']) {
    if (!rule.annotations[key]) convention(p, 'missing-annotation', `alert ${rule.name} has no ${key} annotation`, { hint: `add ${key}` });
  }
  if (!rule.for && !isBurnRateAlert(rule)) {
    convention(p, 'missing-for', `alert ${rule.name} has no for:`, { hint: 'give a for: duration so one bad evaluation does not page' });
  }
  for (const [name] of Object.entries(rule.labels)) {
    if (!LABEL_NAME_RE.test(name)) diag.error(p, 'bad-label-name', `alert ${rule.name} has label ${JSON.stringify(name)}`, { value: name, hint: LABEL_NAME_HINT });
  }
  const firing = rule.tests.some((t) => t.checks.some((c) => c.firing.length > 0));
  const quiet = rule.tests.some((t) => t.checks.some((c) => c.firing.length === 0));
  // An alert its producer could not test was reported there (with the reason); a second error here would blame the rule.
  if ((!firing || !quiet) && !rule.untested) {
    convention(p, 'missing-tests', `alert ${rule.name} needs a test where it fires and one where it stays quiet`, {
      hint: 'add test scenarios to the alert (tests: [...])',
      // A shared alert gathers its tests from every component that uses it.
      wholeStack: shared,
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
        convention(p, 'template-query-unguarded', `alert ${rule.name}: ${key} template: when its query returns nothing it renders "<error expanding template: ${e.message}>"`, {
          value: text,
          hint: 'guard the query: {{ with query "..." }}{{ . | first | value }}{{ else }}(what to say without data){{ end }}',
        });
      } else if (e instanceof TemplateError) {
        convention(p, 'template', `alert ${rule.name}: ${key} template: ${e.message}`, { value: text, hint: 'fix the Go template; see Prometheus alerting template reference' });
      } else throw e;
    }
  }
  for (const t of rule.tests) {
    for (const c of t.checks) {
      if (durationMs(c.at) < 0) diag.error(p, 'bad-test', `test ${t.name} checks at a negative time`, { value: c.at });
    }
  }
}

/**
 * Alerts of one name are one alert to Alertmanager (the default inhibit rule mutes the
 * warning while the critical fires), to silences and to the runbook page: only tiers of
 * one alert may share a name, never two alerts that happen to be named alike.
 * Returns whether the rule is another alert than the first of its name.
 */
function checkSameName(rule: AlertRule, names: Map<string, { tierOf: string; source: string }>, reported: Set<string>, diag: Diagnostics): boolean {
  const tierOf = rule.tierOf ?? rule.source;
  const first = names.get(rule.name);
  if (!first) {
    names.set(rule.name, { tierOf, source: rule.source });
    return false;
  }
  if (first.tierOf === tierOf) return false;
  const key = `${rule.name}\u0000${tierOf}`;
  if (reported.has(key)) return true;
  reported.add(key);
  diag.error(rule.source, 'duplicate-alert', `alert ${rule.name} is also the name of another alert, at ${first.source || 'the stack'}: Alertmanager's inhibit rules, silences and the runbook page would treat the two as tiers of one alert`, {
    value: rule.name,
    hint: 'rename one (name: ...), or, if they are the warning and critical tiers of one alert, declare them so: tier: true on each free-form alert of that name (a mixin alert\'s tiers are its warning/critical thresholds)',
  });
  return true;
}

function isImported(rule: Rule): boolean {
  return rule.kind === 'alert' ? rule.imported === true : rule.source.startsWith('ruleGroups[');
}

/** `labels`: the bundle's label flow and alert label sets, when the caller has them already. */
export function checkBundle(bundle: Bundle, diag: Diagnostics, labels?: { flow: LabelFlow; alerts: AlertLabels[] }): void {
  const flow = labels?.flow ?? bundleLabelFlow(bundle);
  checkUrlSecrets(bundle, diag);
  const alertCount = bundle.ruleGroups.reduce((n, g) => n + g.rules.length, 0);
  if (bundle.scrapeJobs.filter((j) => !j.source.startsWith('prometheus.selfMonitoring')).length === 0 && alertCount === 0) {
    diag.error('', 'empty-stack', 'the stack defines no services, mixins, scrape jobs or rules', {
      hint: 'add services: [httpService({...})], mixins: [...] or scrapeJobs: [...]',
      wholeStack: true,
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
  const alertNames = new Map<string, { tierOf: string; source: string }>();
  const reported = new Set<string>();
  for (const group of bundle.ruleGroups) {
    // Groups of one name from two imported files are two files (their `file` stems differ).
    const stem = group.file ?? group.name;
    const prev = groups.get(stem);
    if (prev !== undefined) {
      diag.error(group.source, 'duplicate-group', `rule group ${JSON.stringify(group.name)} is also defined at ${prev}`, {
        value: group.name,
        hint: 'give each group a unique name (it is also the rule file name)',
      });
    } else groups.set(stem, group.source);
    // The kubernetes target's PrometheusRule carries the group labels on each rule, but not query_offset.
    if (group.queryOffset && bundle.targets.includes('kubernetes')) {
      diag.error(joinPath(group.source, 'queryOffset'), 'query-offset-target', `query_offset ${group.queryOffset} is not carried into the kubernetes target's PrometheusRule objects`, {
        value: group.queryOffset,
        hint: "remove queryOffset (Prometheus then queries at evaluation time), or build this stack for compose only (targets: ['compose'])",
      });
    }
    for (const rule of group.rules) {
      const key = ruleKey(rule);
      const dup = rules.get(key);
      // Another alert's name is one error per pair of alerts, whether or not the labels match too.
      const otherAlert = rule.kind === 'alert' && checkSameName(rule, alertNames, reported, diag);
      if (otherAlert) {
        if (dup === undefined) rules.set(key, rule.source);
      } else if (dup !== undefined) {
        (isImported(rule) ? diag.warn.bind(diag) : diag.error.bind(diag))(rule.source, rule.kind === 'alert' ? 'duplicate-alert' : 'duplicate-record', `${rule.kind === 'alert' ? 'alert' : 'recording rule'} ${rule.name} with the same labels is also defined at ${dup}`, {
          value: rule.name,
          hint: rule.kind === 'alert' ? 'rename one alert (name: ...), or remove the copy' : 'rename one of the recording rules',
        });
      } else rules.set(key, rule.source);
      // Prometheus's parser and type rules, and a rule's result must be an instant vector or a scalar.
      reportPromQL(diag, rule.source, `${rule.kind === 'alert' ? 'alert' : 'record'} ${rule.name}`, rule.expr, { rule: true });
      if (rule.kind === 'alert') {
        checkAlert(rule, diag, group.shared === true);
        checkTemplateLabels(rule, flow, diag);
      }
    }
  }
  checkInhibitRules(bundle.inhibitRules, labels?.alerts ?? alertLabels(bundle, flow), diag);

  checkDashboards(bundle, diag);
}
