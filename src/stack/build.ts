/** build: synth -> files -> atomic write with verification. What `obsgen build` runs per stack. */
import { join } from 'node:path';
import type { Diagnostic } from '../core/diagnostics.ts';
import { bundleFiles } from '../emit/files.ts';
import { verifyBundle, type VerifyResult } from '../emit/verify.ts';
import { writeAtomically } from '../emit/write.ts';
import type { Stack } from './define.ts';
import { trySynth } from './synth.ts';

export interface BuildOutcome {
  stack: string;
  ok: boolean;
  /** Why the build stopped before replacing the bundle (its launcher exited), when it did. */
  stopped?: string;
  diagnostics: Diagnostic[];
  outDir?: string;
  counts?: Record<string, number>;
  verify?: VerifyResult;
}

export interface BuildOptions {
  /** Run promtool, amtool and docker-compose on the written bundle. @default true */
  verify?: boolean;
  /** Asked before out/<stack>/ is replaced; a reason stops the build and keeps the old bundle. */
  stopReason?: () => string | undefined;
}

export function buildStack(stack: Stack | unknown, outRoot: string, options: BuildOptions = {}): BuildOutcome {
  const result = trySynth(stack);
  const name = result.bundle?.stack ?? result.diagnostics.stack;
  if (!result.bundle) return { stack: name, ok: false, diagnostics: result.diagnostics.items };
  const { files, counts } = bundleFiles(result.bundle);
  const outDir = join(outRoot, result.bundle.stack);
  const written = writeAtomically(outDir, files, (dir) => {
    if (options.verify === false) return { ok: true, verify: undefined as VerifyResult | undefined };
    const verify = verifyBundle(dir);
    return { ok: verify.ok, verify };
  }, { stopReason: options.stopReason });
  const stopped = 'stopped' in written ? written.stopped : undefined;
  return {
    stack: name,
    ok: written.ok,
    ...(stopped ? { stopped } : {}),
    diagnostics: result.diagnostics.items,
    ...(written.ok ? { outDir } : {}),
    counts,
    ...('verify' in written && written.verify ? { verify: written.verify } : {}),
  };
}
