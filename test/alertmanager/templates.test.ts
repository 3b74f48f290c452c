/**
 * alerting.templates: `{ name, content }` ships in the bundle (alertmanager/templates/<name>,
 * referenced as templates/<name>, which Alertmanager reads relative to its config, so the
 * compose mount ./alertmanager:/etc/alertmanager and `obsgen stack up`'s copy both find it).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { buildStack, defineStack, trySynth } from 'obsgen';
import { alertmanagerToTypeScript, importAlertmanager } from '../../src/import/alertmanager.ts';
import { templateReader } from '../../src/cli/import.ts';
import { checkName, tempDir } from '../helpers.ts';
import { stack, TITLE } from './templates.fixture.ts';

describe('alerting.templates', () => {
  it('writes a bundled template next to alertmanager.yml, references it relatively, and the Alertmanager check accepts it (templates-amtool.test.ts: amtool loads it)', () => {
    const out = tempDir();
    const r = buildStack(stack([{ name: 'shop.tmpl', content: TITLE }]), out);
    expect(r.diagnostics.filter((d) => d.code.startsWith('template'))).toEqual([]);
    expect(r.ok).toBe(true);
    expect(readFileSync(join(out, 'tmpl/alertmanager/templates/shop.tmpl'), 'utf8')).toBe(TITLE);
    const am = parse(readFileSync(join(out, 'tmpl/alertmanager/alertmanager.yml'), 'utf8')) as { templates: string[] };
    expect(am.templates).toEqual(['templates/shop.tmpl']);
    // The compose file mounts the whole folder where alertmanager.yml resolves templates/.
    const compose = parse(readFileSync(join(out, 'tmpl/docker-compose.yml'), 'utf8')) as { services: Record<string, { volumes?: string[]; command?: string[] }> };
    expect(compose.services.alertmanager!.volumes).toContain('./alertmanager:/etc/alertmanager:ro');
    expect(compose.services.alertmanager!.command).toContain('--config.file=/etc/alertmanager/alertmanager.yml');
    expect(r.verify!.ran.find((t) => t.tool === checkName('amtool check-config'))!.ok).toBe(true);
    const manifest = JSON.parse(readFileSync(join(out, 'tmpl/manifest.json'), 'utf8')) as { files: Record<string, unknown> | { path: string }[] };
    expect(JSON.stringify(manifest.files)).toContain('alertmanager/templates/shop.tmpl');
  });

  it('a template that does not parse fails the build at the Alertmanager check (amtool, or obsgen\'s without it), which read it from the bundle', () => {
    const out = tempDir();
    const r = buildStack(stack([{ name: 'shop.tmpl', content: '{{ define "shop.title" }}{{ .Status' }]), out);
    expect(r.ok).toBe(false);
    expect(r.verify!.ran.find((t) => t.tool === checkName('amtool check-config'))!.output).toMatch(/shop\.tmpl/);
    expect(existsSync(join(out, 'tmpl'))).toBe(false);
  });

  it('warns about a template path the bundle does not ship, and refuses a name given twice', () => {
    const r = trySynth(stack(['/etc/alertmanager/extra/*.tmpl', { name: 'a.tmpl', content: TITLE }, { name: 'a.tmpl', content: TITLE }]));
    const found = r.diagnostics.items.filter((d) => d.path.startsWith('alerting.templates')).map((d) => [d.path, d.severity, d.code]);
    expect(found).toEqual([
      ['alerting.templates[0]', 'warning', 'template-not-bundled'],
      ['alerting.templates[2].name', 'error', 'duplicate-template'],
    ]);
  });

  it('refuses bundled templates and the newer receivers for the kubernetes target, which would drop them', () => {
    const r = trySynth(
      defineStack({
        name: 'tmpl',
        targets: ['compose', 'kubernetes'],
        scrapeJobs: [{ name: 'node', targets: ['localhost:9100'] }],
        alerting: { receivers: { og: { opsgenie: { apiKeyFile: '/run/secrets/og' } } }, routes: [{ match: { severity: 'critical' }, receiver: 'og' }], templates: [{ name: 'a.tmpl', content: TITLE }] },
      }),
    );
    expect(r.diagnostics.items.filter((d) => d.severity === 'error').map((d) => [d.path, d.code])).toEqual([
      ['alerting.receivers.og.opsgenie', 'kubernetes-receiver'],
      ['alerting.templates[0]', 'kubernetes-template'],
    ]);
  });

  it('obsgen import alertmanager ships the template files it finds next to the config', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'templates'));
    writeFileSync(join(dir, 'templates/shop.tmpl'), TITLE);
    writeFileSync(join(dir, 'templates/other.tmpl'), '{{ define "other" }}x{{ end }}');
    const text = 'route: { receiver: team }\nreceivers:\n  - name: team\ntemplates:\n  - /etc/alertmanager/templates/*.tmpl\n  - /nowhere/missing.tmpl\n';
    // What the CLI's reader finds for the config at dir/alertmanager.yml.
    writeFileSync(join(dir, 'alertmanager.yml'), text);
    const printed = alertmanagerToTypeScript(text, join(dir, 'alertmanager.yml'), templateReader(join(dir, 'alertmanager.yml')));
    expect(printed.errors).toEqual([]);
    expect(printed.notes).toEqual([`${join(dir, 'alertmanager.yml')}: templates: /nowhere/missing.tmpl was not found next to ${join(dir, 'alertmanager.yml')}; kept as a path the Alertmanager reads (mount it yourself, or give { name, content })`]);
    // Two entries naming one file ship it once.
    const r = importAlertmanager(text.replace('/nowhere/missing.tmpl', 'templates/shop.tmpl'), 'am.yml', () => [{ name: 'shop.tmpl', content: TITLE }]);
    expect(r.alerting!.templates).toEqual([{ name: 'shop.tmpl', content: TITLE }]);
    expect(printed.code).toContain('{ name: "other.tmpl", content: "{{ define \\"other\\" }}x{{ end }}" }');
    expect(printed.code).toContain('"/nowhere/missing.tmpl"');
  });
});
