import { buildStack } from '../../src/stack/build.ts';
import { haStack, shardedStack } from '../../test/ha/stacks.ts';
for (const s of [haStack(), shardedStack()]) {
  const o = buildStack(s, '/tmp/ha-build');
  console.log(o.stack, o.ok, JSON.stringify(o.diagnostics.filter(d=>d.severity==='error'), null, 1), o.verify?.ran.map(r => `${r.tool}: ${r.ok} ${r.ok ? '' : r.output}`));
}
