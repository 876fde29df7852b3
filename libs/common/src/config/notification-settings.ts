import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { commaSeparated, intIn, optionalString, problemOf } from './env-schemas';
import { hiddenFromLogs, readSecretSetting } from './secret-setting';
import { httpUrlOf, isLoopbackHost } from './url-checks';

/**
 * What a notification is about. The list lives here because the configuration (NOTIFY_ROUTES) validates
 * against it; the notifications context's domain uses the same list.
 */
export const NOTIFICATION_ROUTES = [
  'lab-removed-outside',
  'lab-deleted-by-other',
  'orphans-pending',
  'reconciliation-failed',
  'dead-letter',
] as const;
export type NotificationRoute = (typeof NOTIFICATION_ROUTES)[number];

/** The secret parts of the providers' settings: printed as `[redacted]` when logged. */
export interface NotificationSecrets {
  webexWebhookUrl?: string;
  webexBotToken?: string;
  slackWebhookUrl?: string;
  teamsWorkflowUrl?: string;
  smtpUrl?: string;
}

/** The NOTIFY_* settings, validated. `enabled` is false when no provider is configured. */
export interface NotificationSettings {
  enabled: boolean;
  routes: NotificationRoute[];
  secrets: NotificationSecrets;
  /** Webex REST API base (bot mode), e.g. https://webexapis.com/v1. */
  webexApiUrl: string;
  /** The room a bot posts channel notifications to; absent: a bot only writes to owners. */
  webexRoomId?: string;
  emailFrom?: string;
  /** The channel of email: every address gets the notifications that go to no owner. */
  emailTo: string[];
  /** Owner (CML username or user id) → email address. */
  ownerAddresses: Record<string, string>;
  /** Base URL of the console for links in messages (PUBLIC_URL); absent: no links. */
  publicUrl?: string;
  maxAttempts: number;
  retryBaseMs: number;
  relayIntervalMs: number;
  sendTimeoutMs: number;
  /** Delivered notifications are purged after this. */
  retentionSeconds: number;
}

const email = z.email();

/** The NOTIFY_* variables that are no secrets; the secrets are read with their _FILE variants below. */
export const notificationSettingsShape = {
  NOTIFY_WEBEX_API_URL: z.string().default('https://webexapis.com/v1'),
  NOTIFY_WEBEX_ROOM_ID: optionalString,
  NOTIFY_EMAIL_FROM: optionalString.refine((v) => v === undefined || email.safeParse(v).success, {
    error: 'must be an email address',
  }),
  NOTIFY_EMAIL_TO: optionalString.refine(
    (v) => v === undefined || commaSeparated(v).every((a) => email.safeParse(a).success),
    { error: 'must be comma-separated email addresses' },
  ),
  NOTIFY_OWNER_ADDRESSES_FILE: optionalString,
  NOTIFY_ROUTES: optionalString.refine(
    (v) =>
      v === undefined ||
      commaSeparated(v).every((r) => (NOTIFICATION_ROUTES as readonly string[]).includes(r)),
    { error: `must be comma-separated routes of ${NOTIFICATION_ROUTES.join(', ')}` },
  ),
  PUBLIC_URL: optionalString.refine((v) => v === undefined || httpUrlOf(v) !== undefined, {
    error: 'must be an http(s) URL (the console, e.g. https://cml-labs.example.com)',
  }),
  NOTIFY_MAX_ATTEMPTS: intIn(1, 100, 8),
  NOTIFY_RETRY_BASE_MS: intIn(10, 3_600_000, 5000),
  NOTIFY_RELAY_INTERVAL_MS: intIn(100, 3_600_000, 5000),
  NOTIFY_SEND_TIMEOUT_MS: intIn(100, 120_000, 10_000),
  NOTIFY_RETENTION_SECONDS: intIn(0, 10 * 365 * 24 * 3600, 7 * 24 * 3600),
};

type ParsedShape = {
  [K in keyof typeof notificationSettingsShape]: z.output<(typeof notificationSettingsShape)[K]>;
};

/**
 * A webhook URL is a secret (its path is the key): https only, so it never crosses a network in clear, except
 * to a loopback host (tests, a local relay).
 */
function webhookProblem(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const url = httpUrlOf(value);
  if (!url) return `${name} must be an https:// URL`;
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname))
    return `${name} must be an https:// URL (http only to a loopback host)`;
  return undefined;
}

function smtpProblem(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'NOTIFY_SMTP_URL must be smtp://[user:pass@]host[:port] or smtps://...';
  }
  if ((url.protocol !== 'smtp:' && url.protocol !== 'smtps:') || url.hostname === '')
    return 'NOTIFY_SMTP_URL must be smtp://[user:pass@]host[:port] or smtps://...';
  return undefined;
}

function readOwnerAddresses(path: string | undefined): { value: Record<string, string>; problem?: string } {
  if (path === undefined) return { value: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'not valid JSON';
    return { value: {}, problem: `NOTIFY_OWNER_ADDRESSES_FILE cannot be read: ${path} (${reason})` };
  }
  const result = z.record(z.string().min(1), email).safeParse(parsed);
  if (!result.success) {
    return {
      value: {},
      problem: `NOTIFY_OWNER_ADDRESSES_FILE must hold a JSON object of owner (CML username or user id) to email address: ${result.error.issues.map(problemOf).join('; ')}`,
    };
  }
  return { value: result.data };
}

/**
 * Builds the notification settings from the parsed NOTIFY_* variables and the secrets (NAME or NAME_FILE).
 * Returns every problem at once, never echoing a secret.
 */
export function notificationSettingsOf(
  env: NodeJS.ProcessEnv,
  e: ParsedShape,
): { settings: NotificationSettings; problems: string[] } {
  const read = (name: string) => readSecretSetting(env, name);
  const webexWebhook = read('NOTIFY_WEBEX_WEBHOOK_URL');
  const webexToken = read('NOTIFY_WEBEX_BOT_TOKEN');
  const slack = read('NOTIFY_SLACK_WEBHOOK_URL');
  const teams = read('NOTIFY_TEAMS_WORKFLOW_URL');
  const smtp = read('NOTIFY_SMTP_URL');
  const owners = readOwnerAddresses(e.NOTIFY_OWNER_ADDRESSES_FILE);
  const problems = [webexWebhook, webexToken, slack, teams, smtp].flatMap((s) =>
    s.problem ? [s.problem] : [],
  );
  problems.push(
    ...[
      webhookProblem('NOTIFY_WEBEX_WEBHOOK_URL', webexWebhook.value),
      webhookProblem('NOTIFY_SLACK_WEBHOOK_URL', slack.value),
      webhookProblem('NOTIFY_TEAMS_WORKFLOW_URL', teams.value),
      webhookProblem('NOTIFY_WEBEX_API_URL', e.NOTIFY_WEBEX_API_URL),
      smtpProblem(smtp.value),
      owners.problem,
    ].filter((p): p is string => p !== undefined),
  );
  if (webexWebhook.value && webexToken.value)
    problems.push('NOTIFY_WEBEX_WEBHOOK_URL and NOTIFY_WEBEX_BOT_TOKEN are both set: set one');
  if (e.NOTIFY_WEBEX_ROOM_ID && !webexToken.value)
    problems.push('NOTIFY_WEBEX_ROOM_ID needs NOTIFY_WEBEX_BOT_TOKEN (a webhook posts to its own space)');
  if (smtp.value && !e.NOTIFY_EMAIL_FROM) problems.push('NOTIFY_EMAIL_FROM is required with NOTIFY_SMTP_URL');
  if (!smtp.value && (e.NOTIFY_EMAIL_TO || e.NOTIFY_EMAIL_FROM))
    problems.push('NOTIFY_EMAIL_TO and NOTIFY_EMAIL_FROM need NOTIFY_SMTP_URL');
  const secrets: NotificationSecrets = hiddenFromLogs({
    webexWebhookUrl: webexWebhook.value,
    webexBotToken: webexToken.value,
    slackWebhookUrl: slack.value,
    teamsWorkflowUrl: teams.value,
    smtpUrl: smtp.value,
  });
  const enabled = Object.values(secrets).some((v) => v !== undefined);
  const routes = e.NOTIFY_ROUTES
    ? (commaSeparated(e.NOTIFY_ROUTES) as NotificationRoute[])
    : [...NOTIFICATION_ROUTES];
  return {
    problems,
    settings: {
      enabled,
      routes,
      secrets,
      webexApiUrl: e.NOTIFY_WEBEX_API_URL.replace(/\/+$/, ''),
      webexRoomId: e.NOTIFY_WEBEX_ROOM_ID,
      emailFrom: e.NOTIFY_EMAIL_FROM,
      emailTo: commaSeparated(e.NOTIFY_EMAIL_TO),
      ownerAddresses: owners.value,
      publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
      maxAttempts: e.NOTIFY_MAX_ATTEMPTS,
      retryBaseMs: e.NOTIFY_RETRY_BASE_MS,
      relayIntervalMs: e.NOTIFY_RELAY_INTERVAL_MS,
      sendTimeoutMs: e.NOTIFY_SEND_TIMEOUT_MS,
      retentionSeconds: e.NOTIFY_RETENTION_SECONDS,
    },
  };
}

/** Settings with every provider off, for code (and tests) that build an AppConfig by hand. */
export function notificationsOff(): NotificationSettings {
  return notificationSettingsOf({}, z.object(notificationSettingsShape).parse({})).settings;
}
