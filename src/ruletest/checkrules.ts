/**
 * `promtool check rules --lint=duplicate-rules` without promtool: every rule file loads as
 * Prometheus loads it (rulefile.ts: expressions parse and type-check, names, label and annotation
 * names, templates parse), and no two rules share a name and labels (group labels included).
 */
import { compareLabels } from './format.ts';
import { loadRuleFile } from './rulefile.ts';

export interface RuleFileCheck {
  file: string;
  rules: number;
  errors: string[];
}

export function checkRuleFile(file: string): RuleFileCheck {
  const { groups, errors } = loadRuleFile(file);
  const all = groups.flatMap((g) => g.rules.map((r) => ({ name: r.name, labels: r.labels })));
  if (!errors.length) {
    const sorted = [...all].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : compareLabels(a.labels, b.labels)));
    const dups: typeof all = [];
    for (let i = 1; i < sorted.length; i++) {
      const [a, b] = [sorted[i - 1]!, sorted[i]!];
      if (a.name === b.name && compareLabels(a.labels, b.labels) === 0 && !(dups.length && dups.at(-1)!.name === b.name && compareLabels(dups.at(-1)!.labels, b.labels) === 0)) dups.push(b);
    }
    if (dups.length) {
      errors.push(
        `lint error ${dups.length} duplicate rule(s) found.\n${dups.map((d) => `Metric: ${d.name}\nLabel(s):\n${Object.keys(d.labels).sort().map((k) => `\t${k}: ${d.labels[k]}\n`).join('')}`).join('')}Might cause inconsistency while recording expressions`,
      );
    }
  }
  return { file, rules: all.length, errors };
}
