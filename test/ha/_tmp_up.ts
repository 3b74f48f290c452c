import { buildStack } from '../../src/stack/build.ts';
import { startStack, webhookSinkCommand, freePort } from '../../src/stack/native/index.ts';
import { haStack, shardedStack } from './stacks.ts';
const which = process.argv[2];
const o = buildStack(which === 'shards' ? shardedStack() : haStack({ alerting: undefined } as never) && haStack(), '/tmp/ha-build');
console.log(o.ok);
const sink = await freePort();
const t0 = Date.now();
const h = await startStack(`/tmp/ha-build/${o.stack}`, { stateDir: `/tmp/ha-state-${o.stack}`, extra: [{ name: 'webhook-sink', command: webhookSinkCommand(), port: sink }], webhookUrl: 'http://127.0.0.1:{port:webhook-sink}/alertmanager', scrapeInterval: '1s', evaluationInterval: '1s', maxFor: '2s', groupWait: '1s', groupInterval: '2s', log: console.log });
console.log('up in', Date.now() - t0, h.notes, h.unresolved, h.skipped);
console.log(h.processes.map(p => `${p.name} ${p.port} ${p.argv.join(' ')}`).join('\n'));
await new Promise(r => setTimeout(r, 8000));
for (const p of h.processes.filter(p => p.kind === 'prometheus')) {
  const t = await (await fetch(`http://127.0.0.1:${p.port}/api/v1/targets`)).json() as any;
  console.log(p.name, t.data.activeTargets.map((x: any) => `${x.labels.job}/${x.labels.instance}=${x.health}`).join(' '));
}
const am = h.processes.find(p => p.kind === 'alertmanager')!;
console.log(JSON.stringify((await (await fetch(`http://127.0.0.1:${am.port}/api/v2/status`)).json() as any).cluster));
await h.stop();
