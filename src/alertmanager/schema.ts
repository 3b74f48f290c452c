/** Props of a stack's Alertmanager: receivers (secrets from files only), route tree, inhibition. */
import { z } from 'zod';
import { duration, filePath, labelName } from '../core/schema.ts';

const matcherText = z
  .string()
  .regex(/^\s*[a-zA-Z_][a-zA-Z0-9_]*\s*(=~|!~|!=|=)\s*.*$/, 'is not a matcher like severity="critical"');

/**
 * Matchers as a map: a string is an exact match, `{ re }` a regex, `{ not }` / `{ notRe }` negations,
 * an array of strings a regex alternation of exact values.
 */
export const matchMapSchema = z.record(
  labelName,
  z.union([
    z.string(),
    z.array(z.string()).min(1),
    z.object({ re: z.string() }).strict(),
    z.object({ not: z.string() }).strict(),
    z.object({ notRe: z.string() }).strict(),
  ]),
);

const httpAuth = z
  .object({
    bearerTokenFile: filePath.optional(),
    basicAuth: z.object({ username: z.string(), passwordFile: filePath }).strict().optional(),
  })
  .strict();

export const receiverSchema = z
  .object({
    webhook: z
      .object({
        /** Webhook URL; not a secret in Alertmanager 0.25 (url_file arrived in 0.26). */
        url: z.string().url(),
        sendResolved: z.boolean().default(true),
        maxAlerts: z.number().int().nonnegative().optional(),
        auth: httpAuth.optional(),
      })
      .strict()
      .optional(),
    slack: z
      .object({
        /** File holding the Slack webhook URL. */
        apiUrlFile: filePath,
        channel: z.string().min(1),
        sendResolved: z.boolean().default(true),
        title: z.string().optional(),
        text: z.string().optional(),
      })
      .strict()
      .optional(),
    pagerduty: z
      .object({
        /** File holding the Events API v2 routing key. */
        routingKeyFile: filePath,
        sendResolved: z.boolean().default(true),
        severity: z.string().optional(),
      })
      .strict()
      .optional(),
    email: z
      .object({
        to: z.string().min(3),
        from: z.string().optional(),
        smarthost: z.string().regex(/^[^:\s]+:\d+$/, 'is not host:port').optional(),
        authUsername: z.string().optional(),
        /** File holding the SMTP password. */
        authPasswordFile: filePath.optional(),
        sendResolved: z.boolean().default(false),
        requireTls: z.boolean().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type ReceiverProps = z.input<typeof receiverSchema>;

export interface RouteProps {
  /** Label matchers as a map (see matchMapSchema). */
  match?: z.input<typeof matchMapSchema>;
  /** Matchers in Alertmanager's text form, e.g. `service=~"api|web"`. */
  matchers?: string[];
  receiver?: string;
  groupBy?: string[];
  groupWait?: string;
  groupInterval?: string;
  repeatInterval?: string;
  continue?: boolean;
  muteTimeIntervals?: string[];
  activeTimeIntervals?: string[];
  routes?: RouteProps[];
}

export const routeSchema: z.ZodType<RouteProps> = z.lazy(() =>
  z
    .object({
      match: matchMapSchema.optional(),
      matchers: z.array(matcherText).optional(),
      receiver: z.string().optional(),
      groupBy: z.array(z.union([labelName, z.literal('...')])).optional(),
      groupWait: duration.optional(),
      groupInterval: duration.optional(),
      repeatInterval: duration.optional(),
      continue: z.boolean().optional(),
      muteTimeIntervals: z.array(z.string()).optional(),
      activeTimeIntervals: z.array(z.string()).optional(),
      routes: z.array(routeSchema).optional(),
    })
    .strict(),
);

const timeRange = z.object({ start: z.string().regex(/^\d\d:\d\d$/), end: z.string().regex(/^\d\d:\d\d$/) }).strict();
export const timeIntervalSchema = z
  .object({
    times: z.array(timeRange).optional(),
    weekdays: z.array(z.string().regex(/^[a-z]+(:[a-z]+)?$/)).optional(),
    daysOfMonth: z.array(z.string()).optional(),
    months: z.array(z.string()).optional(),
    years: z.array(z.string()).optional(),
    /** IANA time zone, e.g. Europe/Berlin. @default 'UTC' */
    location: z.string().optional(),
  })
  .strict();

export const inhibitRuleSchema = z
  .object({
    source: matchMapSchema,
    target: matchMapSchema,
    /** Labels that must be equal on source and target. Must be present on both, or the rule inhibits across all values. */
    equal: z.array(labelName).min(1),
  })
  .strict();

export const alertingSchema = z
  .object({
    receivers: z.record(z.string().regex(/^[A-Za-z0-9_.-]+$/, 'is not a receiver name'), receiverSchema),
    /** Receiver of alerts no route matches. @default a receiver named `default` that notifies nobody */
    defaultReceiver: z.string().optional(),
    /** @default ['alertname', 'service', 'severity'] */
    groupBy: z.array(z.union([labelName, z.literal('...')])).default(['alertname', 'service', 'severity']),
    /** @default '30s' */
    groupWait: duration.default('30s'),
    /** @default '5m' */
    groupInterval: duration.default('5m'),
    /** @default '4h' */
    repeatInterval: duration.default('4h'),
    routes: z.array(routeSchema).default([]),
    /**
     * Inhibit rules besides the default one (critical inhibits warning and info of the same
     * alertname and service, except SLO burn-rate tiers, which their SLO's own rules mute). Set `defaultInhibitRules: false` to drop that one.
     */
    inhibitRules: z.array(inhibitRuleSchema).default([]),
    /** @default true */
    defaultInhibitRules: z.boolean().default(true),
    timeIntervals: z.record(z.string(), z.array(timeIntervalSchema)).default({}),
    smtp: z
      .object({
        smarthost: z.string().regex(/^[^:\s]+:\d+$/, 'is not host:port'),
        from: z.string(),
        authUsername: z.string().optional(),
        authPasswordFile: filePath.optional(),
        requireTls: z.boolean().default(true),
      })
      .strict()
      .optional(),
  })
  .strict();

export type AlertingProps = z.input<typeof alertingSchema>;
export type Alerting = z.output<typeof alertingSchema>;
