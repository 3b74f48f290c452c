/** A bundled Alertmanager template is loaded by the real amtool from the bundle (test/real-tools.json). */
import { describe, expect, it } from 'vitest';
import { buildStack } from 'obsgen';
import { tempDir } from '../helpers.ts';
import { stack, TITLE } from './templates.fixture.ts';

describe('alerting.templates', () => {
  it('amtool check-config loads the bundled template', () => {
    const r = buildStack(stack([{ name: 'shop.tmpl', content: TITLE }]), tempDir());
    const amtool = r.verify!.ran.find((t) => t.tool === 'amtool check-config')!;
    expect(amtool.ok).toBe(true);
    expect(amtool.output).toMatch(/ - 1 templates\n\s+SUCCESS/);
  });
});
