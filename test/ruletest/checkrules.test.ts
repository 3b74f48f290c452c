import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRuleFile } from '../../src/ruletest/checkrules.ts';
import { tempDir } from '../helpers.ts';

function ruleFile(text: string): string {
  const f = join(tempDir('obsgen-checkrules-'), 'r.rules.yml');
  writeFileSync(f, text);
  return f;
}

describe('promtool check rules, in process', () => {
  it('counts the rules of a good file', () => {
    const c = checkRuleFile(ruleFile('groups:\n  - name: g\n    rules:\n      - record: a:b\n        expr: sum(x)\n      - alert: A\n        expr: up == 0\n        for: 5m\n'));
    expect(c).toMatchObject({ rules: 2, errors: [] });
  });

  it('finds duplicate rules (same name and labels, group labels included) as --lint=duplicate-rules does', () => {
    const c = checkRuleFile(
      ruleFile(`groups:
  - name: g1
    labels: { team: a }
    rules:
      - record: a:b
        expr: sum(x)
  - name: g2
    rules:
      - record: a:b
        expr: sum(y)
        labels: { team: a }
      - record: a:b
        expr: sum(y)
        labels: { team: b }
`),
    );
    expect(c.errors).toEqual(['lint error 1 duplicate rule(s) found.\nMetric: a:b\nLabel(s):\n\tteam: a\nMight cause inconsistency while recording expressions']);
  });

  it('refuses bad label names, unparsable templates, a for on a recording rule and a bad expression, all at once', () => {
    const c = checkRuleFile(
      ruleFile(`groups:
  - name: g
    rules:
      - alert: A
        expr: up == 0
        labels: { "bad-name": x }
        annotations: { summary: "{{ $labels.job " , d: "{{ nosuchfunc }}" }
      - record: a:b
        expr: sum(x
        for: 1m
`),
    );
    expect(c.errors.some((e) => e.endsWith('rule 1, "A": invalid label name: bad-name'))).toBe(true);
    expect(c.errors.some((e) => /rule 1, "A": annotation "summary": template: __alert_A: /.test(e))).toBe(true);
    expect(c.errors.some((e) => /rule 1, "A": annotation "d": template: __alert_A: .*nosuchfunc/.test(e))).toBe(true);
    expect(c.errors.some((e) => e.endsWith(`rule 2, "a:b": invalid field 'for' in recording rule`))).toBe(true);
    expect(c.errors.some((e) => /rule 2, "a:b": could not parse expression: /.test(e))).toBe(true);
  });

  it('refuses a repeated group name and an unknown field', () => {
    expect(checkRuleFile(ruleFile('groups:\n  - name: g\n    rules: []\n  - name: g\n    rules: []\n')).errors[0]).toContain('groupname: "g" is repeated in the same file');
    expect(checkRuleFile(ruleFile('groups:\n  - name: g\n    rule: []\n')).errors[0]).toContain('field rule not found in type main.RuleGroup');
  });
});
