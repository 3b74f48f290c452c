import { buildStack } from '/work/wt/k8s/src/stack/build.ts';
const file = process.argv[2]!;
const stack = (await import(file)).default;
const r = buildStack(stack, process.argv[3]!);
console.log(JSON.stringify({ ok: r.ok, counts: r.counts, diags: r.diagnostics.map((d) => `${d.severity} ${d.path} ${d.code}: ${d.message}`), verify: r.verify?.ran.map((x) => `${x.ok} ${x.tool} ${x.ok ? '' : x.output}`), missing: r.verify?.missing }, null, 1));
