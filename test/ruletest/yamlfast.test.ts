/**
 * The fast path of the rule-test YAML decoder (src/ruletest/yamlfast.ts) reads every generated
 * rule and test file, and gives exactly what yaml's Document gives; what it is not sure of it
 * leaves to the full parser, which words the errors as promtool does.
 */
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bundleFiles } from '../../src/emit/files.ts';
import { RULE_FILE_SHAPE } from '../../src/ruletest/rulefile.ts';
import { TEST_FILE_SHAPE } from '../../src/ruletest/testfile.ts';
import { decodeFast } from '../../src/ruletest/yamlfast.ts';
import { decodeDocument, decodeStrict } from '../../src/ruletest/yamlstrict.ts';
import { stackFiles } from '../../src/stack/load.ts';
import { synth } from '../../src/stack/synth.ts';

describe('fast YAML decoding of rule and test files', () => {
  it('reads every seed stack\'s generated rule and test files exactly as the full parser does', async () => {
    let files = 0;
    for (const file of stackFiles('stacks')) {
      const bundle = synth((await import(pathToFileURL(file).href)).default);
      for (const [path, text] of bundleFiles(bundle).files) {
        const shape = /^prometheus\/rules\/.*\.yml$/.test(path) ? RULE_FILE_SHAPE : /^prometheus\/tests\/.*\.test\.yml$/.test(path) ? TEST_FILE_SHAPE : undefined;
        if (!shape) continue;
        files++;
        const fast = decodeFast(text, shape);
        expect(fast, `${file}: ${path}`).toBeDefined();
        const full = decodeDocument(text, shape);
        expect(full.errors, path).toEqual([]);
        expect(fast!.value, `${file}: ${path}`).toStrictEqual(full.value);
      }
    }
    expect(files).toBeGreaterThan(50);
  });

  const agreeing = [
    'groups:\n- name: g\n  rules:\n  - record: a:b\n    expr: sum(x)\n',
    'groups:\n  - name: "g \\"q\\" \\u00e9"\n    rules:\n      - alert: A # comment\n        expr: |-\n          up\n\n            == 0   \n        labels: {}\n',
    "groups:\n  - name: 'it''s'\n    rules:\n      - alert: A\n        expr: |\n          up == 0\n\n\n        annotations:\n          summary: ~\n          description:\n",
    '# only a comment\n',
    'groups: []\n',
  ];
  it.each(agreeing)('agrees with the full parser on %j', (text) => {
    const fast = decodeFast(text, RULE_FILE_SHAPE);
    expect(fast).toBeDefined();
    expect(fast!.value).toStrictEqual(decodeDocument(text, RULE_FILE_SHAPE).value);
  });

  const leftToYaml = [
    'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up\n        labels: {severity: page}\n', // flow map with items
    'groups:\n  - name: &n g\n    rules: []\n', // anchor
    'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: >\n          up\n', // folded
    'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up\n          == 0\n', // multi-line plain scalar
    'groups:\n  - name: g\n    name: h\n    rules: []\n', // duplicate key
    'groups:\n  - name: g\n    rulez: []\n', // unknown field: promtool's message comes from the full parser
    'groups:\n\t- name: g\n', // tab
    'groups:\n  - name: g\n    rules: []', // no final newline
  ];
  it.each(leftToYaml)('leaves %j to the full parser', (text) => {
    expect(decodeFast(text, RULE_FILE_SHAPE)).toBeUndefined();
    expect(decodeStrict(text, RULE_FILE_SHAPE)).toStrictEqual(decodeDocument(text, RULE_FILE_SHAPE));
  });

  it('still reports an unknown field with its line, as promtool does', () => {
    expect(decodeStrict('groups:\n  - name: g\n    rulez: []\n', RULE_FILE_SHAPE).errors.join('\n')).toMatch(/line 3: field rulez not found in type main\.RuleGroup/);
  });
});
