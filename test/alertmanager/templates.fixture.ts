/** The stack of the alerting.templates tests: a Slack receiver whose title uses a bundled template. */
import { defineStack } from 'obsgen';

export const TITLE = '{{ define "shop.title" }}[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }}{{ end }}';
export const stack = (templates: unknown[], extra: Record<string, unknown> = {}) =>
  defineStack({
    name: 'tmpl',
    scrapeJobs: [{ name: 'node', targets: ['localhost:9100'] }],
    alerting: {
      receivers: { team: { slack: { apiUrlFile: '/run/secrets/slack_url', channel: '#alerts', title: '{{ template "shop.title" . }}' } } },
      routes: [{ match: { severity: 'critical' }, receiver: 'team' }],
      templates: templates as never,
    },
    ...extra,
  });
