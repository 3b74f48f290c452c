/**
 * Alert label and annotation templates, expanded as rules/alerting.go does for each result
 * sample: `$labels` (the sample's labels), `$value`, `$externalLabels`, `$externalURL`, and
 * `query` evaluated through the engine at the evaluation time. A template that fails leaves
 * `<error expanding template: ...>` in its place, as Prometheus does.
 */
import { renderTemplate } from '../core/template.ts';
import { ruleQuery, type RuleEngine, type Sample } from './evaluator.ts';
import type { ExpanderFactory } from './group.ts';

/**
 * A template of literal text and `{{ $labels.name }}` / `{{ .Labels.name }}` actions only: its
 * output depends on nothing but the sample's labels, so it is rendered once per label set.
 */
const LABELS_ONLY = /^(?:[^{]|\{(?!\{))*(?:\{\{ *(?:\$labels|\.Labels)\.[A-Za-z_][A-Za-z0-9_]* *\}\}(?:[^{]|\{(?!\{))*)*$/;

export function makeExpander(engine: RuleEngine, externalLabels: Record<string, string>, externalURL: string): ExpanderFactory {
  const labelsOnly = new Map<string, boolean>();
  const rendered = new WeakMap<object, Map<string, string>>();
  const isLabelsOnly = (text: string): boolean => {
    let c = labelsOnly.get(text);
    if (c === undefined) labelsOnly.set(text, (c = LABELS_ONLY.test(text)));
    return c;
  };
  return (rule, tMs) => Object.assign((text: string, smpl: Sample) => {
    if (!text.includes('{{')) return text;
    const cacheable = isLabelsOnly(text);
    let byText: Map<string, string> | undefined;
    if (cacheable && Object.isFrozen(smpl.labels)) {
      byText = rendered.get(smpl.labels);
      if (!byText) rendered.set(smpl.labels, (byText = new Map()));
      const hit = byText.get(text);
      if (hit !== undefined) return hit;
    }
    try {
      const out = renderTemplate(text, {
        labels: smpl.labels,
        value: smpl.value,
        externalLabels,
        externalURL,
        timeMs: tMs,
        // promtool's rule manager has no external URL: `externalURL`/`pathPrefix` fail there (serverURL unset).
        query: (q) => ruleQuery(engine, q, tMs),
      });
      byText?.set(text, out);
      return out;
    } catch (e) {
      return `<error expanding template: error executing template __alert_${rule.name}: ${(e as Error).message}>`;
    }
  }, { labelsOnly: isLabelsOnly });
}
