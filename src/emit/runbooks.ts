/** runbooks/<AlertName>.md: one page per alert name (warning and critical twins share a page). */
import type { AlertRule } from '../core/model.ts';
import type { Bundle } from '../stack/bundle.ts';
import { renderHbs } from './templates.ts';

export function runbookFiles(bundle: Bundle): Map<string, string> {
  const byName = new Map<string, AlertRule[]>();
  for (const g of bundle.ruleGroups) {
    for (const r of g.rules) {
      if (r.kind !== 'alert') continue;
      const list = byName.get(r.name) ?? [];
      list.push(r);
      byName.set(r.name, list);
    }
  }
  const out = new Map<string, string>();
  for (const name of [...byName.keys()].sort()) {
    const rules = byName.get(name)!;
    const first = rules.find((r) => r.runbook) ?? rules[0]!;
    const rb = first.runbook ?? {
      meaning: first.annotations.summary ?? name,
      impact: 'Not documented for this alert yet: add runbook: { meaning, impact, diagnosis, mitigation } to its definition.',
      diagnosis: [],
      mitigation: [],
    };
    out.set(
      `runbooks/${name}.md`,
      renderHbs('runbook.md.hbs', {
        name,
        stack: bundle.stack,
        service: first.labels.service,
        // A link made per alert at notification time (a template) is not one link for the page.
        dashboardUrl: first.annotations.dashboard_url?.includes('{{') ? undefined : first.annotations.dashboard_url,
        variants: rules.map((r) => ({ severity: r.labels.severity, forDuration: r.for, summary: r.annotations.summary })),
        meaning: rb.meaning,
        impact: rb.impact,
        diagnosis: rb.diagnosis,
        mitigation: rb.mitigation.length ? rb.mitigation : ['Not documented yet.'],
        expr: first.expr,
      }),
    );
  }
  return out;
}
