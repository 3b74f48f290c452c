/**
 * The label flow of a synthesized bundle, and the build checks that stand on it: a template
 * that reads a label the alert's expression cannot carry (Prometheus renders it empty), and
 * an inhibit rule that can mute no pair of the stack's alerts. Lint asks the same LabelFlow
 * and the same inhibition analysis (src/alertmanager/inhibit.ts).
 */
import type { AlertLabels } from '../alertmanager/inhibit.ts';
import { whyNeverMutes } from '../alertmanager/inhibit.ts';
import type { Diagnostics } from '../core/diagnostics.ts';
import type { AlertRule, InhibitRule, RuleGroup, ScrapeJob } from '../core/model.ts';
import { flowJob, LabelFlow, templateLabelGaps } from '../promql/labels.ts';

export function bundleLabelFlow(bundle: { scrapeJobs: ScrapeJob[]; ruleGroups: RuleGroup[] }): LabelFlow {
  const records = bundle.ruleGroups.flatMap((g) => g.rules.flatMap((r) => (r.kind === 'record' ? [{ name: r.name, expr: r.expr, labels: r.labels ?? {} }] : [])));
  return new LabelFlow(bundle.scrapeJobs.map(flowJob), records);
}

/** Every alert of the bundle with the labels Alertmanager will see on it. */
export function alertLabels(bundle: { ruleGroups: RuleGroup[] }, flow: LabelFlow): AlertLabels[] {
  return bundle.ruleGroups.flatMap((g) =>
    g.rules.flatMap((r) => (r.kind === 'alert' ? [{ name: r.name, static: { ...r.labels, alertname: r.name }, dynamic: flow.exprLabels(r.expr) ?? { labels: new Set<string>(), open: true } }] : [])),
  );
}

/** Props path of one template: free-form alerts (`alerts[i]`) have a field per annotation. */
function templatePath(rule: AlertRule, kind: 'annotation' | 'label', key: string): string {
  if (!/^alerts\[\d+\]$/.test(rule.source)) return rule.source;
  if (kind === 'label') return key === 'severity' || key === 'service' ? `${rule.source}.${key}` : `${rule.source}.labels.${key}`;
  const field = { summary: 'summary', description: 'description', runbook_url: 'runbookUrl', dashboard_url: 'dashboardUrl' }[key];
  return field ? `${rule.source}.${field}` : rule.source;
}

/** Templates that read a label the expression cannot carry (see templateLabelGaps). */
export function checkTemplateLabels(rule: AlertRule, flow: LabelFlow, diag: Diagnostics): void {
  const result = flow.exprLabels(rule.expr);
  if (!result) return;
  for (const gap of templateLabelGaps(rule, result)) {
    // An imported rule loads as it is; the gap is advice there.
    (rule.imported ? diag.warn.bind(diag) : diag.error.bind(diag))(templatePath(rule, gap.kind, gap.key), 'template-label', gap.message, { value: (gap.kind === 'label' ? rule.labels : rule.annotations)[gap.key], hint: gap.hint });
  }
}

/**
 * Inhibit rules that can mute none of the stack's alerts: the `equal` labels never agree
 * on any (source, target) pair (see whyNeverMutes for policy ladders).
 */
export function checkInhibitRules(rules: InhibitRule[], alerts: AlertLabels[], diag: Diagnostics): void {
  rules.forEach((rule, i) => {
    const why = whyNeverMutes(rule, alerts);
    if (!why) return;
    diag.error(rule.source, 'inhibit-dead', `inhibit_rules[${i}] can never mute: ${why}`, {
      value: rule.equal,
      hint: 'drop the label from equal, or make both sides carry it (a static label on the alerts, or keep it in the aggregation of their expressions)',
    });
  });
}
