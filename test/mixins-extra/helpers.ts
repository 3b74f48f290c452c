/** Shared bits of the mixins-extra tests: the factories under test and bundle lookups. */
import type { AlertRule, RuleGroup } from '../../src/core/model.ts';
import type { Bundle } from '../../src/stack/bundle.ts';
import { defineStack } from '../../src/stack/define.ts';
import { trySynth } from '../../src/stack/synth.ts';
import { formatDiagnostic } from '../../src/core/diagnostics.ts';
import type { Component } from '../../src/core/component.ts';

export const MIXIN_GROUPS = ['haproxy', 'nginx', 'ingress-nginx', 'kubernetes', 'dcgm-exporter', 'loki', 'log-capturer', 'blackbox'];

export function alertsOf(groups: RuleGroup[]): AlertRule[] {
  return groups.flatMap((g) => g.rules).filter((r): r is AlertRule => r.kind === 'alert');
}

/** Synthesizes a one-mixin stack; throws with the diagnostics when it fails. */
export function synthMixin(mixin: Component, extra: Record<string, unknown> = {}): Bundle {
  const r = trySynth(defineStack({ name: 'mx', mixins: [mixin], ...extra }));
  if (!r.bundle) throw new Error(r.diagnostics.items.map(formatDiagnostic).join('\n'));
  return r.bundle;
}

/** The diagnostics of a one-mixin stack that must fail. */
export function diagnosticsOf(mixin: Component): { path: string; code: string; message: string; hint?: string }[] {
  const r = trySynth(defineStack({ name: 'mx', mixins: [mixin] }));
  return r.diagnostics.items.map((d) => ({ path: d.path, code: d.code, message: d.message, ...(d.hint ? { hint: d.hint } : {}) }));
}
