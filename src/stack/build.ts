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
  diagnostics: Diagnostic[];
  outDir?: string;
  counts?: Record<string, number>;
  verify?: VerifyResult;
}

export function buildStack(stack: Stack | unknown, outRoot: string, options: { verify?: boolean } = {}): BuildOutcome {
  const result = trySynth(stack);
  const name = result.bundle?.stack ?? result.diagnostics.stack;
  if (!result.bundle) return { stack: name, ok: false, diagnostics: result.diagnostics.items };
  const { files, counts } = bundleFiles(result.bundle);
  const outDir = join(outRoot, result.bundle.stack);
  const written = writeAtomically(outDir, files, (dir) => {
    if (options.verify === false) return { ok: true, verify: undefined as VerifyResult | undefined };
    const verify = verifyBundle(dir);
    return { ok: verify.ok, verify };
  });
  return {
    stack: name,
    ok: written.ok,
    diagnostics: result.diagnostics.items,
    ...(written.ok ? { outDir } : {}),
    counts,
    ...(written.verify ? { verify: written.verify } : {}),
  };
}
