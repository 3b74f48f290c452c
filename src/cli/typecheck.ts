/**
 * `obsgen build --typecheck`: runs the project's TypeScript compiler check (`tsc --noEmit -p
 * tsconfig.json`, the tsconfig `obsgen init` writes includes stacks/) before building, so a
 * misspelled prop or a wrong value type stops the build with tsc's own message: the props types
 * are the schemas' input types.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** tsc from the project (its devDependency). */
function findTsc(cwd: string): string | undefined {
  try {
    return createRequire(join(cwd, 'package.json')).resolve('typescript/bin/tsc');
  } catch {
    return undefined;
  }
}

export function typecheckProject(cwd = process.cwd()): { ok: boolean; output: string } {
  const project = join(cwd, 'tsconfig.json');
  if (!existsSync(project)) return { ok: false, output: `--typecheck reads ${project}, which does not exist; obsgen init writes one` };
  const tsc = findTsc(cwd);
  if (!tsc) return { ok: false, output: '--typecheck needs TypeScript in the project: npm install --save-dev typescript' };
  const r = spawnSync(process.execPath, [tsc, '--noEmit', '-p', project, '--pretty', 'false'], { cwd, encoding: 'utf8', timeout: 300_000 });
  return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() };
}
