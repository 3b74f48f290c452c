import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { toYaml } from '../../src/emit/yaml.ts';

// The writer must round-trip through a real YAML parser for every awkward string.
const tricky = [
  '', 'true', 'no', 'null', '~', '1', '1.5', '1e3', '0x1f', '12:30', '.inf', 'a: b', 'a:', 'x #y', ' lead', 'trail ',
  '- item', '? q', '[x]', '{x}', '&a', '*a', '!tag', '|', '>', "'s'", '"d"', '%p', '@a', '`b`', 'http://x:9/h',
  '{{ $value | humanizePercentage }} of requests', 'sum by (job) (rate(x{a="b"}[5m])) > 0.05', 'line1\nline2', 'ends\n', 'tab\there',
  '#channel', 'ü unicode', 'a\\b', 'é: x',
];

describe('toYaml', () => {
  it('round-trips awkward strings as values and keys', () => {
    for (const s of tricky) {
      const doc = { [s || 'empty']: s, list: [s, { k: s }] };
      expect(parse(toYaml(doc)), JSON.stringify(s)).toEqual(doc);
    }
  });
  it('round-trips nested structures, numbers, booleans and empties', () => {
    const doc = { a: [1, 2.5, -3, true, false, null], b: { c: [], d: {}, e: [[1, 2], { f: 'g' }] }, h: [{ i: 'j', k: [{ l: 'm' }] }] };
    expect(parse(toYaml(doc))).toEqual(doc);
  });
  it('writes multi-line PromQL as a block literal', () => {
    const text = toYaml({ expr: 'a\n  / on (job)\nb > 0' });
    expect(text).toBe('expr: |-\n  a\n    / on (job)\n  b > 0\n');
  });
});
