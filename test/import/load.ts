/** Loads a stack file `obsgen import` printed, as a user's project would (its 'obsgen' import resolves to src/). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tempDir } from '../helpers.ts';

let n = 0;
export async function loadPrinted<T = unknown>(code: string, exportName = 'default'): Promise<T> {
  const file = join(tempDir('obsgen-import-'), `printed-${++n}.ts`);
  writeFileSync(file, code.replace(/from 'obsgen'/g, `from ${JSON.stringify(pathToFileURL(join(import.meta.dirname, '../../src/index.ts')).href)}`));
  const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  return mod[exportName] as T;
}
