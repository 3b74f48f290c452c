/**
 * A build that promtool refuses (an unknown Unicode class in a relabel regex: obsgen cannot read
 * \p classes, so only promtool refuses it) writes nothing and leaves no temp folders behind.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildStack, defineStack, httpService, type StackProps } from 'obsgen';
import { tempDir, treeHashes } from '../helpers.ts';

function base(): StackProps {
  return {
    name: 'shop',
    services: [httpService({ name: 'shop', targets: ['shop:8080'], alerts: { errorRatio: { above: 0.05 }, latency: { above: '1s' } } })],
    alerting: { receivers: { pager: { webhook: { url: 'http://127.0.0.1:9/hook' } } }, routes: [{ match: { severity: 'critical' }, receiver: 'pager' }] },
  };
}

describe('a build the real promtool refuses', () => {
  let out: string;
  let before: Record<string, string>;
  beforeAll(() => {
    out = tempDir();
    expect(buildStack(defineStack(base()), out, { verify: false }).ok).toBe(true);
    before = treeHashes(out);
  });

  it('leaves no temp folders behind after a failed verify', () => {
    // An unknown Unicode class: obsgen cannot read \p classes, so only promtool refuses it.
    const stack = defineStack({ ...base(), name: 'verify-fail', scrapeJobs: [{ name: 'x', targets: ['x:1'], relabel: [{ sourceLabels: ['__address__'], regex: '\\p{Nope}', action: 'drop' }] }] });
    const outcome = buildStack(stack, out);
    expect(outcome.ok).toBe(false);
    expect(outcome.verify?.ran.find((r) => r.tool === 'promtool check config')?.ok).toBe(false);
    expect(existsSync(join(out, 'verify-fail'))).toBe(false);
    expect(treeHashes(out)).toEqual(before);
  });
});
