/**
 * Alert label and annotation templates, expanded as rules/alerting.go does for each result
 * sample: `$labels` (the sample's labels), `$value`, `$externalLabels`, `$externalURL`, and
 * `query` evaluated through the engine at the evaluation time. A template that fails leaves
 * `<error expanding template: ...>` in its place, as Prometheus does.
 */
import { renderTemplate } from '../core/template.ts';
import { ruleQuery, type RuleEngine, type Sample } from './evaluator.ts';
import type { ExpanderFactory } from './group.ts';

export function makeExpander(engine: RuleEngine, externalLabels: Record<string, string>, externalURL: string): ExpanderFactory {
  return (rule, tMs) => (text: string, smpl: Sample) => {
    if (!text.includes('{{')) return text;
    try {
      return renderTemplate(text, {
        labels: smpl.labels,
        value: smpl.value,
        externalLabels,
        externalURL,
        timeMs: tMs,
        // promtool's rule manager has no external URL: `externalURL`/`pathPrefix` fail there (serverURL unset).
        query: (q) => ruleQuery(engine, q, tMs),
      });
    } catch (e) {
      return `<error expanding template: error executing template __alert_${rule.name}: ${(e as Error).message}>`;
    }
  };
}
