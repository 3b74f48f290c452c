/**
 * Stack files are TypeScript, compiled on import by tsx. The loader is registered on first
 * use, so commands that read no stack file (help, init, lint of plain rule files) start
 * without paying for it. bin/obsgen.js sets the same flag when it runs obsgen's own sources
 * through tsx.
 */
const REGISTERED = Symbol.for('obsgen.tsx-registered');

export async function ensureTypeScriptLoader(): Promise<void> {
  const g = globalThis as Record<symbol, unknown>;
  if (g[REGISTERED]) return;
  g[REGISTERED] = true;
  const [{ register: registerEsm }, { register: registerCjs }] = await Promise.all([import('tsx/esm/api'), import('tsx/cjs/api')]);
  registerEsm();
  registerCjs();
}
