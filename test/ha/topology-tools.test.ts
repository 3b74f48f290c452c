/** The HA / scale-out bundles (docs/ha.md) through the real tools: promtool per server config, vmalert, amtool, docker-compose. */
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildStack } from '../../src/stack/build.ts';
import { tempDir } from '../helpers.ts';
import { haStack, shardedStack } from './stacks.ts';

describe('the real tools', () => {
  it('accept both HA bundles: promtool per server config, vmalert -dryRun where vmalert runs the rules, amtool, docker-compose', () => {
    const out = tempDir('obsgen-ha-');
    try {
      for (const stack of [haStack(), shardedStack()]) {
        const o = buildStack(stack, out);
        expect(o.ok, JSON.stringify(o.verify?.ran.filter((r) => !r.ok))).toBe(true);
        const tools = o.verify!.ran.map((r) => r.tool);
        expect(tools.filter((t) => t.startsWith('promtool check config '))).toHaveLength(stack.props.name === 'ha-pair' ? 2 : 3);
        expect(tools).toEqual(expect.arrayContaining(['amtool check-config', 'docker-compose config']));
        // Only the sharded stack evaluates its rules on vmalert; the replica pair's are Prometheus's.
        expect(tools.includes('vmalert -dryRun')).toBe(stack.props.name !== 'ha-pair');
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
