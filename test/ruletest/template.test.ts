import { describe, expect, it } from 'vitest';
import { renderTemplate } from '../../src/core/template.ts';

// Expected strings are what Prometheus's template expander (Go text/template) prints for the same data.
const data = {
  labels: { job: 'api', instance: 'web-1.example.com:9100' },
  value: 0.12345,
  externalLabels: { env: 'prod' },
  externalURL: 'https://prom.example.com/prometheus',
  timeMs: 1_700_000_000_000,
  query: (q: string) =>
    q === 'up'
      ? [
          { labels: { __name__: 'up', instance: 'b' }, value: 0 },
          { labels: { __name__: 'up', instance: 'a' }, value: 1 },
        ]
      : [],
};

describe('Go template rendering of alert labels and annotations', () => {
  it('$labels, $value, $externalLabels, $externalURL and the dot forms', () => {
    expect(renderTemplate('{{ $labels.job }} {{ .Labels.instance }} {{ $externalLabels.env }} {{ $externalURL }} {{ .Value }}', data)).toBe(
      'api web-1.example.com:9100 prod https://prom.example.com/prometheus 0.12345',
    );
  });

  it('humanize functions', () => {
    expect(renderTemplate('{{ 1234567 | humanize }} {{ 2048 | humanize1024 }} {{ 3725 | humanizeDuration }} {{ $value | humanizePercentage }}', data)).toBe('1.235M 2ki 1h 2m 5s 12.35%');
    expect(renderTemplate('{{ 1700000000 | humanizeTimestamp }}', data)).toBe('2023-11-14 22:13:20 +0000 UTC');
    expect(renderTemplate('{{ 1700000000.5 | humanizeTimestamp }}', data)).toBe('2023-11-14 22:13:20.5 +0000 UTC');
  });

  it('query goes through the engine: first, value, label, sortByLabel, range', () => {
    expect(renderTemplate('{{ query "up" | first | value }}', data)).toBe('0');
    expect(renderTemplate('{{ with query "up" }}{{ . | first | label "instance" }}{{ end }}', data)).toBe('b');
    expect(renderTemplate('{{ range query "up" | sortByLabel "instance" }}{{ .Labels.instance }}={{ .Value }};{{ end }}', data)).toBe('a=1;b=0;');
    expect(renderTemplate('{{ with query "nothing" }}some{{ else }}none{{ end }}', data)).toBe('none');
    expect(renderTemplate('{{ range query "nothing" }}x{{ else }}empty{{ end }}', data)).toBe('empty');
    expect(() => renderTemplate('{{ query "nothing" | first | value }}', data)).toThrow('first() called on vector with no elements');
  });

  it('variables: declaration, range with index and element, assignment, block scope', () => {
    expect(renderTemplate('{{ $j := $labels.job }}{{ $j }}', data)).toBe('api');
    expect(renderTemplate('{{ range $i, $s := query "up" }}{{ $i }}:{{ $s.Labels.instance }} {{ end }}', data)).toBe('0:b 1:a ');
    expect(renderTemplate('{{ $n := 0 }}{{ range query "up" }}{{ $n = 1 }}{{ end }}{{ $n }}', data)).toBe('1');
    expect(renderTemplate('{{ range $k, $v := $labels }}{{ $k }}={{ $v }},{{ end }}', data)).toBe('instance=web-1.example.com:9100,job=api,');
  });

  it('strings: title, toUpper, toLower, reReplaceAll, match, stripPort, stripDomain, printf, args', () => {
    expect(renderTemplate('{{ "hello world" | title }} {{ "Ab" | toUpper }} {{ "Ab" | toLower }}', data)).toBe('Hello World AB ab');
    expect(renderTemplate('{{ reReplaceAll "(.*):(\\\\d+)" "$1" $labels.instance }}', data)).toBe('web-1.example.com');
    expect(renderTemplate('{{ if match "^web" $labels.instance }}web{{ end }}', data)).toBe('web');
    expect(renderTemplate('{{ $labels.instance | stripPort }} {{ $labels.instance | stripDomain }}', data)).toBe('web-1.example.com web-1:9100');
    expect(renderTemplate('{{ printf "%.2f%%" 12.345 }} {{ printf "%s=%d" "n" 3 }}', data)).toBe('12.35% n=3');
    expect(renderTemplate('{{ with args 1 "x" }}{{ .arg0 }}{{ .arg1 }}{{ end }}', data)).toBe('1x');
    expect(renderTemplate('{{ "a b&c" | urlQueryEscape }} {{ graphLink "up == 0" }} {{ tableLink "up" }}', data)).toBe('a+b%26c /graph?g0.expr=up+%3D%3D+0&g0.tab=0 /graph?g0.expr=up&g0.tab=1');
  });

  it('comparisons and logic: eq, ne, lt, gt, and, or, not, len', () => {
    expect(renderTemplate('{{ if gt $value 0.1 }}hi{{ else }}lo{{ end }}', data)).toBe('hi');
    expect(renderTemplate('{{ if and (eq $labels.job "api") (not (lt $value 0.1)) }}y{{ end }}', data)).toBe('y');
    expect(renderTemplate('{{ or "" "fallback" }} {{ len (query "up") }} {{ ne 1 2 }}', data)).toBe('fallback 2 true');
  });

  it('now, parseDuration, toDuration; externalURL and pathPrefix need the server URL', () => {
    expect(renderTemplate('{{ now }} {{ parseDuration "1h30m" }} {{ 90 | toDuration }}', data)).toBe('1.7e+09 5400 1m30s');
    expect(renderTemplate('{{ externalURL }} {{ pathPrefix }}', { ...data, serverURL: 'https://prom.example.com/prometheus' })).toBe('https://prom.example.com/prometheus /prometheus');
    expect(() => renderTemplate('{{ externalURL }}', data)).toThrow('nil pointer');
  });

  it('without an engine, query reads the results a generated test states', () => {
    const stated = { labels: {}, value: 1, queries: { 'sum(x)': 42 }, queryLabels: { 'sum(x)': { pod: 'p1' } } };
    expect(renderTemplate('{{ query "sum(x)" | first | value }} {{ query "sum(x)" | first | label "pod" }}', stated)).toBe('42 p1');
  });
});
