/**
 * The contract between a stack and what it is made of: services, mixins and SLO sets
 * are Components. A factory (`httpService({...})`, `postgres({...})`) only records its
 * props; synth validates them with the component's schema under the component's path
 * and then calls build, so every error of a stack is reported in one pass.
 */
import type { z } from 'zod';
import type { Diagnostics } from './diagnostics.ts';
import type { Contribution } from './model.ts';

export interface StackGlobals {
  name: string;
  scrapeInterval: string;
  evaluationInterval: string;
  externalLabels: Record<string, string>;
}

export interface Links {
  /** Base URL of Grafana as users reach it, for dashboard_url annotations. */
  grafanaUrl: string;
  /** Base URL under which runbooks/<AlertName>.md are published. */
  runbookBaseUrl: string;
}

export interface DatasourceRef {
  type: 'prometheus';
  uid: string;
}

export interface BuildContext {
  stack: StackGlobals;
  links: Links;
  datasource: DatasourceRef;
  diag: Diagnostics;
  /** Path of this component in the stack props, e.g. `services[0]`. */
  path: string;
  runbookUrl(alertName: string): string;
  dashboardUrl(uid: string, panelId?: number): string;
  /**
   * Every scrape job of the stack, with its scrape interval. Only components defined with
   * `readsStackJobs` see them all: those are built after every other component.
   */
  stackJobs(): { name: string; scrapeInterval: string }[];
}

export interface Component<P = unknown> {
  readonly kind: string;
  /** Raw props as the user wrote them; validated by `schema` at synth. */
  readonly props: unknown;
  readonly schema: z.ZodType<P>;
  /** Built after the other components, so `ctx.stackJobs()` lists every job. */
  readonly readsStackJobs?: boolean;
  build(props: P, ctx: BuildContext): Contribution;
}

/**
 * A component factory: `(props) => Component`. The props type is the schema's input type, so a
 * stack file's misspelled prop or wrong value type fails `tsc` as it fails synth.
 */
export function defineComponent<S extends z.ZodType>(kind: string, schema: S, build: Component<z.output<S>>['build'], options: { readsStackJobs?: boolean } = {}) {
  return (props: z.input<S>): Component<z.output<S>> => ({ kind, props, schema: schema as z.ZodType<z.output<S>>, build, ...(options.readsStackJobs ? { readsStackJobs: true } : {}) });
}

export function isComponent(value: unknown): value is Component {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Component).kind === 'string' &&
    typeof (value as Component).build === 'function'
  );
}
