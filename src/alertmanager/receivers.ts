/**
 * The receiver integrations beyond webhook, slack, pagerduty and email: one zod schema each
 * (props in camelCase, written to alertmanager.yml in Alertmanager's snake_case), and one spec
 * each that says what Alertmanager requires, which fields hold secrets (always read from a file:
 * the inline form is refused), and what Debian's amtool 0.25 does not know yet, so the verify
 * step can give it a copy it reads while obsgen's own validation (validate.ts) checks the rest.
 * Field names and versions follow Alertmanager's config/notifiers.go (0.25 to 0.34).
 */
import { z } from 'zod';
import { duration, filePath } from '../core/schema.ts';

const httpAuth = z
  .object({
    bearerTokenFile: filePath.optional(),
    basicAuth: z.object({ username: z.string(), passwordFile: filePath }).strict().optional(),
  })
  .strict();
const stringMap = z.record(z.string(), z.string());

export const extraReceiverSchemas = {
  /** Opsgenie (opsgenie_configs). */
  opsgenie: z
    .object({
      /** File holding the Opsgenie API key (api_key_file). */
      apiKeyFile: filePath,
      apiUrl: z.string().optional(),
      message: z.string().optional(),
      description: z.string().optional(),
      source: z.string().optional(),
      /** Comma-separated tags, as Alertmanager takes them. */
      tags: z.string().optional(),
      note: z.string().optional(),
      /** P1 to P5, or a template. */
      priority: z.string().optional(),
      entity: z.string().optional(),
      details: stringMap.optional(),
      updateAlerts: z.boolean().optional(),
      sendResolved: z.boolean().default(true),
    })
    .strict(),
  /** Splunk On-Call, formerly VictorOps (victorops_configs). */
  victorops: z
    .object({
      /** File holding the VictorOps API key (api_key_file). */
      apiKeyFile: filePath,
      routingKey: z.string().min(1),
      apiUrl: z.string().optional(),
      messageType: z.string().optional(),
      stateMessage: z.string().optional(),
      entityDisplayName: z.string().optional(),
      monitoringTool: z.string().optional(),
      customFields: stringMap.optional(),
      sendResolved: z.boolean().default(true),
    })
    .strict(),
  /** Pushover (pushover_configs); the *_file fields need Alertmanager 0.26+. */
  pushover: z
    .object({
      userKeyFile: filePath,
      tokenFile: filePath,
      title: z.string().optional(),
      message: z.string().optional(),
      url: z.string().optional(),
      urlTitle: z.string().optional(),
      device: z.string().optional(),
      sound: z.string().optional(),
      priority: z.string().optional(),
      retry: duration.optional(),
      expire: duration.optional(),
      ttl: duration.optional(),
      html: z.boolean().optional(),
      sendResolved: z.boolean().default(true),
    })
    .strict(),
  /** WeChat (wechat_configs); api_secret_file needs Alertmanager 0.31+. */
  wechat: z
    .object({
      apiSecretFile: filePath,
      corpId: z.string().min(1),
      agentId: z.string().optional(),
      toUser: z.string().optional(),
      toParty: z.string().optional(),
      toTag: z.string().optional(),
      message: z.string().optional(),
      messageType: z.enum(['text', 'markdown']).optional(),
      apiUrl: z.string().optional(),
      sendResolved: z.boolean().default(false),
    })
    .strict(),
  /** Telegram (telegram_configs); bot_token_file needs Alertmanager 0.26+. */
  telegram: z
    .object({
      botTokenFile: filePath,
      chatId: z.number().int(),
      messageThreadId: z.number().int().optional(),
      apiUrl: z.string().optional(),
      message: z.string().optional(),
      parseMode: z.enum(['', 'Markdown', 'MarkdownV2', 'HTML']).optional(),
      disableNotifications: z.boolean().optional(),
      sendResolved: z.boolean().default(true),
    })
    .strict(),
  /** Amazon SNS (sns_configs). Credentials come from the environment, a profile or a role: never inline. */
  sns: z
    .object({
      topicArn: z.string().optional(),
      phoneNumber: z.string().optional(),
      targetArn: z.string().optional(),
      apiUrl: z.string().optional(),
      sigv4: z.object({ region: z.string().optional(), profile: z.string().optional(), roleArn: z.string().optional() }).strict().optional(),
      subject: z.string().optional(),
      message: z.string().optional(),
      attributes: stringMap.optional(),
      sendResolved: z.boolean().default(true),
    })
    .strict(),
  /** Discord (discord_configs); webhook_url_file needs Alertmanager 0.26+. */
  discord: z
    .object({
      webhookUrlFile: filePath,
      title: z.string().optional(),
      message: z.string().optional(),
      content: z.string().optional(),
      username: z.string().optional(),
      avatarUrl: z.string().optional(),
      sendResolved: z.boolean().default(true),
    })
    .strict(),
  /** Cisco Webex (webex_configs): the bot token is read from credentialsFile. */
  webex: z
    .object({
      roomId: z.string().min(1),
      /** File holding the bot's access token (http_config.authorization.credentials_file). */
      credentialsFile: filePath,
      apiUrl: z.string().optional(),
      message: z.string().optional(),
      sendResolved: z.boolean().default(true),
    })
    .strict(),
  /** Microsoft Teams, Office 365 connector (msteams_configs, Alertmanager 0.26+). */
  msteams: z
    .object({
      webhookUrlFile: filePath,
      title: z.string().optional(),
      summary: z.string().optional(),
      text: z.string().optional(),
      sendResolved: z.boolean().default(true),
    })
    .strict(),
  /** Microsoft Teams, Power Automate workflow (msteamsv2_configs, Alertmanager 0.28+). */
  msteamsv2: z
    .object({
      webhookUrlFile: filePath,
      title: z.string().optional(),
      text: z.string().optional(),
      sendResolved: z.boolean().default(true),
    })
    .strict(),
  /** Jira (jira_configs, Alertmanager 0.28+): an issue per alert group. */
  jira: z
    .object({
      apiUrl: z.string().min(1),
      project: z.string().min(1),
      issueType: z.string().min(1),
      summary: z.string().optional(),
      description: z.string().optional(),
      labels: z.array(z.string()).optional(),
      priority: z.string().optional(),
      reopenTransition: z.string().optional(),
      resolveTransition: z.string().optional(),
      wontFixResolution: z.string().optional(),
      reopenDuration: duration.optional(),
      fields: stringMap.optional(),
      auth: httpAuth.optional(),
      sendResolved: z.boolean().default(true),
    })
    .strict(),
  /** Rocket.Chat (rocketchat_configs, Alertmanager 0.28+). */
  rocketchat: z
    .object({
      tokenIdFile: filePath,
      tokenFile: filePath,
      channel: z.string().optional(),
      apiUrl: z.string().optional(),
      title: z.string().optional(),
      titleLink: z.string().optional(),
      text: z.string().optional(),
      color: z.string().optional(),
      emoji: z.string().optional(),
      iconUrl: z.string().optional(),
      sendResolved: z.boolean().default(false),
    })
    .strict(),
};

export type ExtraReceiverKind = keyof typeof extraReceiverSchemas;
export const EXTRA_RECEIVER_KINDS = Object.keys(extraReceiverSchemas) as ExtraReceiverKind[];

export interface ReceiverSpec {
  /** Fields one of which must be set (each inner list: alternatives). */
  required: string[][];
  /** Inline secret -> the file field Alertmanager reads it from instead. */
  secrets: Record<string, string>;
  /** Alertmanager version that added the integration, when amtool 0.25 does not know it. */
  since?: string;
  /** File fields amtool 0.25 does not know, with the version that added them. */
  newerFields?: Record<string, string>;
  /** URL fields checked as every URL obsgen writes. */
  urls: string[];
}

/** What Alertmanager requires of each integration and where its secrets live (yaml field names). */
export const RECEIVER_SPECS: Record<ExtraReceiverKind, ReceiverSpec> = {
  opsgenie: { required: [['api_key', 'api_key_file']], secrets: { api_key: 'api_key_file' }, urls: ['api_url'] },
  victorops: { required: [['api_key', 'api_key_file'], ['routing_key']], secrets: { api_key: 'api_key_file' }, urls: ['api_url'] },
  pushover: {
    required: [['user_key', 'user_key_file'], ['token', 'token_file']],
    secrets: { user_key: 'user_key_file', token: 'token_file' },
    newerFields: { user_key_file: '0.26', token_file: '0.26' },
    urls: [],
  },
  wechat: { required: [['api_secret', 'api_secret_file'], ['corp_id']], secrets: { api_secret: 'api_secret_file' }, newerFields: { api_secret_file: '0.31' }, urls: ['api_url'] },
  telegram: { required: [['bot_token', 'bot_token_file'], ['chat_id']], secrets: { bot_token: 'bot_token_file' }, newerFields: { bot_token_file: '0.26' }, urls: ['api_url'] },
  sns: { required: [['topic_arn', 'phone_number', 'target_arn']], secrets: {}, urls: ['api_url'] },
  discord: { required: [['webhook_url', 'webhook_url_file']], secrets: { webhook_url: 'webhook_url_file' }, newerFields: { webhook_url_file: '0.26' }, urls: [] },
  webex: { required: [['room_id']], secrets: {}, urls: ['api_url'] },
  msteams: { required: [['webhook_url', 'webhook_url_file']], secrets: { webhook_url: 'webhook_url_file' }, since: '0.26', urls: [] },
  msteamsv2: { required: [['webhook_url', 'webhook_url_file']], secrets: { webhook_url: 'webhook_url_file' }, since: '0.28', urls: [] },
  jira: { required: [['api_url'], ['project'], ['issue_type']], secrets: {}, since: '0.28', urls: ['api_url'] },
  rocketchat: {
    required: [['token_id', 'token_id_file'], ['token', 'token_file']],
    secrets: { token_id: 'token_id_file', token: 'token_file' },
    since: '0.28',
    urls: ['api_url'],
  },
};

const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
export const camel = (k: string) => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** A receiver's auth props as Alertmanager's http_config. */
export function httpConfigYaml(auth: z.output<typeof httpAuth> | undefined): Record<string, unknown> | undefined {
  if (auth?.bearerTokenFile) return { authorization: { type: 'Bearer', credentials_file: auth.bearerTokenFile } };
  if (auth?.basicAuth) return { basic_auth: { username: auth.basicAuth.username, password_file: auth.basicAuth.passwordFile } };
  return undefined;
}

/** One integration's config as alertmanager.yml has it: props keys in snake_case, auth as http_config. */
export function extraReceiverYaml(kind: ExtraReceiverKind, props: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // Sorted, so the file does not depend on the order a stack file wrote the props in.
  for (const [k, v] of Object.entries(props).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (v === undefined) continue;
    if (k === 'auth') {
      const h = httpConfigYaml(v as z.output<typeof httpAuth>);
      if (h) out.http_config = h;
    }
    // Alertmanager's authorization type defaults to Bearer, as Webex's API wants.
    else if (kind === 'webex' && k === 'credentialsFile') out.http_config = { authorization: { credentials_file: v } };
    // Maps of user data (details, custom fields, attributes) keep their keys as written.
    else if (v && typeof v === 'object' && !Array.isArray(v) && k !== 'sigv4') out[snake(k)] = v;
    else if (k === 'sigv4') out.sigv4 = Object.fromEntries(Object.entries(v as Record<string, string>).map(([a, b]) => [snake(a), b]));
    else out[snake(k)] = v;
  }
  return out;
}
