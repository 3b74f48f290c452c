/**
 * The build's verification on a machine without promtool and amtool (issue 14): obsgen's rule
 * check runs on the rule files and on every PrometheusRule, and obsgen's Alertmanager validation
 * on alertmanager.yml and on the 'secret' mode's alertmanager.yaml, in place of the tools; the
 * tools are still reported missing. A broken file fails the in-process check.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineStack, httpService } from '../../src/index.ts';
import { verifyBundle } from '../../src/emit/verify.ts';
import { buildStack } from '../../src/stack/build.ts';
import { tempDir } from '../helpers.ts';

const alerting = {
  receivers: { pager: { webhook: { urlFile: '/run/secrets/hook_url' } } },
  routes: [{ match: { severity: 'critical' }, receiver: 'pager' }],
};
const podApi = httpService({ name: 'api', scrape: { kubernetesSd: { role: 'pod', namespaces: ['shop'] } }, alerts: { errorRatio: { above: 0.05, for: '2m' } } });

describe('verification without promtool and amtool', () => {
  let saved: string | undefined;
  beforeEach(() => {
    saved = process.env.OBSGEN_NO_TOOLS;
    process.env.OBSGEN_NO_TOOLS = 'promtool,amtool';
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.OBSGEN_NO_TOOLS;
    else process.env.OBSGEN_NO_TOOLS = saved;
  });

  it('checks the rules, the PrometheusRules and both Alertmanager configs in process', () => {
    const out = tempDir('obsgen-notools-');
    const r = buildStack(defineStack({ name: 'shop', services: [podApi], alerting, targets: ['compose', 'kubernetes'], kubernetes: { alertmanager: 'secret' } }), out);
    expect(r.ok, JSON.stringify(r.verify)).toBe(true);
    expect(r.verify!.missing).toEqual(expect.arrayContaining(['promtool', 'amtool']));
    const ran = Object.fromEntries(r.verify!.ran.map((x) => [x.tool, x.ok]));
    expect(ran['obsgen check rules']).toBe(true);
    expect(ran['obsgen check rules (PrometheusRule spec)']).toBe(true);
    expect(ran['obsgen check alertmanager config']).toBe(true);
    expect(Object.entries(ran).filter(([t]) => t.startsWith('obsgen check alertmanager config (secret-'))).toEqual([[expect.any(String), true]]);
    expect(r.verify!.ran.some((x) => x.tool.startsWith('promtool') || x.tool.startsWith('amtool'))).toBe(false);
  });

  it('fails a bundle whose alertmanager.yml Alertmanager would refuse', () => {
    const out = tempDir('obsgen-notools-bad-');
    const r = buildStack(defineStack({ name: 'shop', services: [httpService({ name: 'api', targets: ['api:8080'] })], alerting }), out, { verify: false });
    expect(r.ok).toBe(true);
    const file = join(out, 'shop/alertmanager/alertmanager.yml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/receiver: pager/, 'receiver: nobody'));
    const v = verifyBundle(join(out, 'shop'), { compose: false });
    const am = v.ran.find((x) => x.tool === 'obsgen check alertmanager config')!;
    expect(am.ok).toBe(false);
    expect(am.output).toContain('nobody');
    expect(v.ok).toBe(false);
  });
});
