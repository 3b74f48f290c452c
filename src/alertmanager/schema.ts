/** Props of a stack's Alertmanager: receivers (secrets from files only), route tree, inhibition. */
import { z } from 'zod';
import { duration, filePath, labelName } from '../core/schema.ts';
import { EXTRA_RECEIVER_KINDS, extraReceiverSchemas, type ExtraReceiverKind } from './receivers.ts';

/** opsgenie, victorops, pushover, ... (receivers.ts), each optional on a receiver. */
const extraReceivers = Object.fromEntries(EXTRA_RECEIVER_KINDS.map((k) => [k, extraReceiverSchemas[k].optional()])) as {
  [K in ExtraReceiverKind]: z.ZodOptional<(typeof extraReceiverSchemas)[K]>;
};

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
        /**
         * Webhook URL, checked like every URL obsgen writes (http(s), a host, no credentials:
         * a URL with `user:token@` or `?token=` is refused; use urlFile). One of url and urlFile.
         */
        url: z.string().optional(),
        /** File holding the webhook URL, for URLs that carry a secret (`url_file`, Alertmanager 0.26+). */
        urlFile: filePath.optional(),
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
    ...extraReceivers,
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

export const routeSchema: z.ZodType<RouteProps, RouteProps> = z.lazy(() =>
  z
    .object({
      match: matchMapSchema.optional(),
      // Checked with Alertmanager's own parser by validate.ts, which names the bad entry.
      matchers: z.array(z.string()).optional(),
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

/** `HH:MM`, 00:00 to 24:00, start before end (checked by validate.ts with Alertmanager's rules). */
const timeRange = z.object({ start: z.string(), end: z.string() }).strict();
/** Alertmanager's time_interval: values are checked by validate.ts, which knows Alertmanager's rules. */
export const timeIntervalSchema = z
  .object({
    times: z.array(timeRange).optional(),
    /** Names or ranges, e.g. `monday:friday`. */
    weekdays: z.array(z.string()).optional(),
    /** 1 to 31, -31 to -1 (from the month's end), or ranges such as `1:7`. */
    daysOfMonth: z.array(z.string()).optional(),
    /** Names or numbers 1 to 12, or ranges such as `january:march`. */
    months: z.array(z.string()).optional(),
    years: z.array(z.string()).optional(),
    /**
     * IANA time zone the times, days and months are read in, e.g. America/New_York, so an
     * interval in local time stays right across daylight saving time. @default 'UTC'
     */
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

/** A notification template file shipped in the bundle: `{{ define "slack.title" }}...{{ end }}`. */
export const templateFileSchema = z
  .object({
    /** File name under alertmanager/templates/, e.g. `slack.tmpl`. */
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'is not a file name (letters, digits, ., - and _)'),
    content: z.string().min(1),
  })
  .strict();

/** Where alertmanager.yml finds a bundled template: relative paths are read from the config's folder. */
export const bundledTemplatePath = (name: string) => `templates/${name}`;

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
    /**
     * Notification templates (Alertmanager's `templates:`). `{ name, content }` is written into
     * the bundle as alertmanager/templates/<name> and loaded from there (compose and
     * `obsgen stack up`); a string is a path the Alertmanager process reads, left for you to mount. @default []
     */
    templates: z.array(z.union([filePath, templateFileSchema])).optional(),
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
