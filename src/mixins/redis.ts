/** redis mixin: redis_exporter scrape job and memory alert. */
import { z } from 'zod';
import { defineComponent } from '../core/component.ts';
import { emptyContribution } from '../core/model.ts';
import { alertName, duration, severity, target } from '../core/schema.ts';
import { memoryAlert } from '../alerts/redis.ts';
import { toScrapeJob } from '../scrape/jobs.ts';

export const redisSchema = z
  .object({
    /** redis_exporter targets, host:port (default port 9121). */
    targets: z.array(target).min(1),
    /** @default 'redis' */
    job: z.string().default('redis'),
    /** @default 'redis' */
    component: z.string().default('redis'),
    scrapeInterval: duration.optional(),
    memory: z
      .union([
        z
          .object({
            /** Share of maxmemory. @default 0.9 */
            above: z.number().gt(0).lt(1).default(0.9),
            /** @default '5m' */
            for: duration.default('5m'),
            /** @default 'critical' */
            severity: severity.default('critical'),
            /** @default 'RedisMemoryHigh' */
            name: alertName.default('RedisMemoryHigh'),
          })
          .strict(),
        z.literal(false),
      ])
      .default({ above: 0.9, for: '5m', severity: 'critical', name: 'RedisMemoryHigh' }),
  })
  .strict();

export type RedisProps = z.input<typeof redisSchema>;

export const redis = defineComponent('redis', redisSchema, (props, ctx) => {
  const out = emptyContribution();
  out.scrapeJobs.push(toScrapeJob({ name: props.job, targets: props.targets, scrapeInterval: props.scrapeInterval, exporter: 'redis_exporter' }, ctx.path));
  if (props.memory) {
    out.ruleGroups.push({
      name: props.job,
      rules: [memoryAlert({ component: props.component, job: props.job, instance: props.targets[0]!, runbookUrl: ctx.runbookUrl }, props.memory, `${ctx.path}.memory`)],
      source: ctx.path,
    });
  }
  return out;
});
