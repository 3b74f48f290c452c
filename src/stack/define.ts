/** defineStack: what a stack file default-exports. It records props; synth validates them. */
import type { StackProps } from './schema.ts';

export interface Stack {
  readonly kind: 'stack';
  readonly props: StackProps;
}

export function defineStack(props: StackProps): Stack {
  return { kind: 'stack', props };
}

export function isStack(value: unknown): value is Stack {
  return typeof value === 'object' && value !== null && (value as Stack).kind === 'stack' && typeof (value as Stack).props === 'object';
}
