import { describe, expect, it } from 'vitest';
import { formatF, formatG, humanize, humanize1024, humanizeDuration, humanizePercentage } from '../../src/core/gofmt.ts';
import { renderTemplate, sprintf } from '../../src/core/template.ts';

// Expected strings are what Go 1.21's fmt and Prometheus's template functions print.
describe('Go float formatting', () => {
  it('prints %v like Go', () => {
    expect(formatG(0.1)).toBe('0.1');
    expect(formatG(100)).toBe('100');
    expect(formatG(1e6)).toBe('1e+06');
    expect(formatG(1234567)).toBe('1.234567e+06');
    expect(formatG(0.00001)).toBe('1e-05');
    expect(formatG(0.0001)).toBe('0.0001');
    expect(formatG(-2.5)).toBe('-2.5');
    expect(formatG(NaN)).toBe('NaN');
    expect(formatG(Infinity)).toBe('+Inf');
  });
  it('prints %.4g like Go, rounding half to even on the exact value', () => {
    expect(formatG(10, 4)).toBe('10');
    expect(formatG(12.5, 4)).toBe('12.5');
    expect(formatG(0.1234567, 4)).toBe('0.1235');
    expect(formatG(12345, 4)).toBe('1.234e+04');
    expect(formatG(1000, 4)).toBe('1000');
    expect(formatG(10000, 4)).toBe('1e+04');
    expect(formatG(87.62886597938144, 4)).toBe('87.63');
  });
  it('prints %.2f like Go', () => {
    expect(formatF(2.675, 2)).toBe('2.67'); // 2.675 is 2.67499999... in binary
    expect(formatF(0.5, 0)).toBe('0');
    expect(formatF(1.5, 0)).toBe('2');
    expect(formatF(3, 2)).toBe('3.00');
  });
});

describe('Prometheus template functions', () => {
  it('humanize', () => {
    expect(humanize(1234)).toBe('1.234k');
    expect(humanize(0.001)).toBe('1m');
    expect(humanize(0)).toBe('0');
    expect(humanize(2147483648)).toBe('2.147G');
  });
  it('humanize1024', () => {
    expect(humanize1024(2147483648)).toBe('2Gi');
    expect(humanize1024(1)).toBe('1');
  });
  it('humanizeDuration', () => {
    expect(humanizeDuration(4.875)).toBe('4.875s');
    expect(humanizeDuration(90)).toBe('1m 30s');
    expect(humanizeDuration(90061)).toBe('1d 1h 1m 1s');
    expect(humanizeDuration(0.25)).toBe('250ms');
    expect(humanizeDuration(0)).toBe('0s');
  });
  it('humanizePercentage', () => {
    expect(humanizePercentage(0.1)).toBe('10%');
    expect(humanizePercentage(0.95)).toBe('95%');
    expect(humanizePercentage(85 / 97)).toBe('87.63%');
  });
});

describe('renderTemplate', () => {
  it('renders labels, values and pipelines', () => {
    const data = { labels: { job: 'api', instance: 'a:1' }, value: 0.1 };
    expect(renderTemplate('{{ $labels.job }} at {{ $value | humanizePercentage }}', data)).toBe('api at 10%');
    expect(renderTemplate('{{ .Labels.instance }} {{ .Value }}', data)).toBe('a:1 0.1');
    expect(renderTemplate('{{ printf "%.2f" $value }}', data)).toBe('0.10');
    expect(renderTemplate('{{ $labels.missing }}|', data)).toBe('|');
    expect(renderTemplate('{{- " x " -}}  y', data)).toBe(' x y');
  });
  it('renders query results from the values and labels a test states', () => {
    const q = 'obsgen_slo_info{service="api",slo="a"}';
    const data = { labels: { service: 'api', slo: 'a' }, value: 1, queries: { [q]: 1 }, queryLabels: { [q]: { objective: '99.9' } } };
    const tpl = (fn: string) => `{{ printf \`obsgen_slo_info{service="%s",slo="%s"}\` $labels.service $labels.slo | query | first | ${fn} }}`;
    expect(renderTemplate(tpl('label "objective"'), data)).toBe('99.9');
    // A label the first sample lacks renders empty, as Prometheus's label function does.
    expect(renderTemplate(tpl('label "owner"'), data)).toBe('');
    expect(renderTemplate(tpl('value'), data)).toBe('1');
    expect(() => renderTemplate('{{ $value | label "x" }}', data)).toThrow(/query result/);
  });
  it('rejects what it cannot render', () => {
    expect(() => renderTemplate('{{ $value | nosuch }}', { labels: {}, value: 1 })).toThrow(/nosuch/);
    expect(() => renderTemplate('{{ $value ', { labels: {}, value: 1 })).toThrow(/unclosed/);
  });
  it('sprintf handles width and %%', () => {
    expect(sprintf('%5.1f%%', [12.345])).toBe(' 12.3%');
  });
});
