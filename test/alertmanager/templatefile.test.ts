import { describe, expect, it } from 'vitest';
import { templateFileProblem } from '../../src/alertmanager/templatefile.ts';

describe('templateFileProblem (the Alertmanager template check without amtool)', () => {
  it('accepts define, template, nested blocks, comments, trim markers and braces in strings', () => {
    const text = [
      '{{/* a comment */}}',
      '{{ define "t.title" }}[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}]{{ end }}',
      '{{- define "t.body" -}}{{ range .Alerts }}{{ .Labels.instance }} "}}"{{ else }}none{{ end }}{{ template "t.title" . }}{{- end }}',
      '{{ block "t.x" . }}{{ with .CommonLabels.job }}{{ . }}{{ end }}{{ end }}',
    ].join('\n');
    expect(templateFileProblem(text)).toBeUndefined();
  });

  it('names the line of an unclosed action, a block without end, and a stray end or else', () => {
    expect(templateFileProblem('{{ define "a" }}\n{{ .Status')).toBe('line 2: unclosed action (missing }})');
    expect(templateFileProblem('{{ define "a" }}\n{{ if .x }}y{{ end }}')).toBe('line 1: {{ define }} has no {{ end }}');
    expect(templateFileProblem('x{{ end }}')).toBe('line 1: unexpected {{ end }}');
    expect(templateFileProblem('{{ define "a" }}{{ else }}{{ end }}')).toBe('line 1: unexpected {{ else }}');
  });
});
