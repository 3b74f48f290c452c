/**
 * `slo({...})`: a standalone SLO of any service, for the stack's `slos: [...]`.
 * httpService builds its own `slos` with the same engine (src/mixins/http.ts).
 */
import { defineComponent } from '../core/component.ts';
import { buildSlo } from './build.ts';
import { sloSchema } from './schema.ts';

export const slo = defineComponent('slo', sloSchema, (props, ctx) => {
  const { service, ...body } = props;
  return buildSlo(body, { service, scrapeInterval: ctx.stack.scrapeInterval }, ctx, ctx.path);
});

export { buildSlo, DEFAULT_PAIRS, pairFactor } from './build.ts';
export type { SloProps, SloBodyProps, BurnPairProps } from './schema.ts';
