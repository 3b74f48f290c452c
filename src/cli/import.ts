/** `obsgen import openslo FILE`: prints the TypeScript for the SLOs of an OpenSLO v1 file. */
import { readFileSync } from 'node:fs';
import { openSloToTypeScript } from '../slo/openslo.ts';
import type { Args } from './args.ts';
import { IMPORT_HELP } from './help.ts';

export function cmdImport(args: Args): number {
  const [, format, file] = args.positional;
  if (format !== 'openslo' || !file) {
    console.error(`usage:\n${IMPORT_HELP}`);
    return 1;
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    console.error(`error: cannot read ${file}: ${(e as Error).message}`);
    return 1;
  }
  const r = openSloToTypeScript(text, file);
  process.stdout.write(r.code);
  for (const e of r.errors) console.error(`error: ${e}`);
  return r.errors.length ? 1 : 0;
}
