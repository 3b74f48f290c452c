import { trySynth } from '../src/index.ts';
const mod = await import(process.argv[2]!);
const r = trySynth(mod.default);
for (const d of r.diagnostics.errors.slice(0, 8)) console.log(d.path, d.code, d.message.slice(0, 400));
