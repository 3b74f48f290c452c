/** postgres mixin: postgres_exporter scrape job and connection alerts. */
import { z } from 'zod';
import { defineComponent } from '../core/component.ts';
import { emptyContribution } from '../core/model.ts';
import { alertName, duration, severity, target } from '../core/schema.ts';
import { connectionsAlert } from '../alerts/postgres.ts';
import { toScrapeJob } from '../scrape/jobs.ts';

export const postgresSchema = z
  .object({
    /** postgres_exporter targets, host:port (default port 9187). */
    targets: z.array(target).min(1),
    /** @default 'postgres' */
    job: z.string().default('postgres'),
    /** `service` label of the alerts. @default 'postgres' */
    component: z.string().default('postgres'),
    scrapeInterval: duration.optional(),
    connections: z
      .union([
        z
          .object({
            /** Share of usable connections. @default 0.8 */
            above: z.number().gt(0).lt(1).optional(),
            /** Absolute connection count instead of a share. */
            aboveCount: z.number().int().positive().optional(),
            /** @default '5m' */
            for: duration.default('5m'),
            /** @default 'warning' */
            severity: severity.default('warning'),
            /** @default 'PostgresConnectionsHigh' */
            name: alertName.default('PostgresConnectionsHigh'),
          })
          .strict(),
        z.literal(false),
      ])
      .default({ for: '5m', severity: 'warning', name: 'PostgresConnectionsHigh' }),
  })
  .strict();

export type PostgresProps = z.input<typeof postgresSchema>;

export const postgres = defineComponent('postgres', postgresSchema, (props, ctx) => {
  const out = emptyContribution();
  out.scrapeJobs.push(toScrapeJob({ name: props.job, targets: props.targets, scrapeInterval: props.scrapeInterval, exporter: 'postgres_exporter' }, ctx.path));
  if (props.connections) {
    out.ruleGroups.push({
      name: props.job,
      rules: [
        connectionsAlert(
          { component: props.component, job: props.job, instance: props.targets[0]!, runbookUrl: ctx.runbookUrl },
          props.connections,
          `${ctx.path}.connections`,
        ),
      ],
      source: ctx.path,
    });
  }
  return out;
});
