/** A bundled Alertmanager template is loaded by the real amtool from the bundle (test/real-tools.json). */
import { describe, expect, it } from 'vitest';
import { buildStack, defineStack } from 'obsgen';
import { tempDir } from '../helpers.ts';

describe('alerting.templates', () => {
  it('amtool check-config loads the bundled template', () => {
    const content = '{{ define "shop.title" }}[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }}{{ end }}';
    const r = buildStack(
      defineStack({
        name: 'tmpl',
        scrapeJobs: [{ name: 'node', targets: ['localhost:9100'] }],
        alerting: {
          receivers: { team: { slack: { apiUrlFile: '/run/secrets/slack_url', channel: '#alerts', title: '{{ template "shop.title" . }}' } } },
          routes: [{ match: { severity: 'critical' }, receiver: 'team' }],
          templates: [{ name: 'shop.tmpl', content }],
        },
      }),
      tempDir(),
    );
    const amtool = r.verify!.ran.find((t) => t.tool === 'amtool check-config')!;
    expect(amtool.ok).toBe(true);
    expect(amtool.output).toMatch(/ - 1 templates\n\s+SUCCESS/);
  });
});
