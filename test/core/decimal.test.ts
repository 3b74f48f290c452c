import { describe, expect, it } from 'vitest';
import { Decimal, formatNumber, numberToPlain } from '../../src/core/decimal.ts';
import { durationMs, formatDuration, parseDuration } from '../../src/core/duration.ts';

describe('Decimal', () => {
  it('computes error budgets exactly', () => {
    expect(Decimal.from(100).sub(99.9).div(100).toString()).toBe('0.001');
    expect(Decimal.from(1).sub(Decimal.from(99.95).div(100)).toString()).toBe('0.0005');
    expect(Decimal.from('99.99').div(100).toString()).toBe('0.9999');
    expect(Decimal.from(0.001).mul(14.4).toString()).toBe('0.0144');
  });
  it('prints plain numbers', () => {
    expect(numberToPlain(1e-7)).toBe('0.0000001');
    expect(numberToPlain(1e21)).toBe('1000000000000000000000');
    expect(formatNumber(0.05)).toBe('0.05');
  });
});

describe('durations', () => {
  it('parses and formats Prometheus durations', () => {
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('300ms')).toBe(300);
    expect(parseDuration('5 m')).toBeUndefined();
    expect(parseDuration('1m1h')).toBeUndefined();
    expect(formatDuration(durationMs('90s'))).toBe('1m30s');
    expect(formatDuration(86_400_000)).toBe('1d');
  });
});
