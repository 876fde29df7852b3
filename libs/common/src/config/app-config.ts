import { z } from 'zod';
import { AuthSettings, authSettingsOf, authSettingsShape, checkAuthSettings } from './auth-settings';
import {
  commaSeparated,
  intIn,
  logFormat,
  logLevel,
  mongoUri,
  optionalString,
  problemOf,
  readSharedSecret,
  trueOrFalse,
} from './env-schemas';
import { LogFormat } from '../logging/log-format';
import { hiddenFromLogs } from './secret-setting';
import {
  NotificationSettings,
  notificationSettingsOf,
  notificationSettingsShape,
} from './notification-settings';
import { isHttpUrlWithoutCredentials } from './url-checks';
import {
  CONDITIONAL_WRITES_SETTINGS,
  ConditionalWritesSetting,
} from '../persistence/database-write-semantics';

const isSecretsKey = (v: string) => Buffer.from(v, 'base64').length === 32;

const secretsKey = optionalString.refine(
  (v) => v === undefined || isSecretsKey(v),
  'must be 32 bytes, base64-encoded (openssl rand -base64 32)',
);

/** The keys themselves never appear in a message, only their position in the list. */
const previousSecretsKeys = optionalString.superRefine((v, ctx) => {
  const wrong = commaSeparated(v)
    .map((key, i) => (isSecretsKey(key) ? 0 : i + 1))
    .filter((position) => position > 0);
  if (wrong.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message: `must be comma-separated 32-byte keys, base64-encoded; ${
        wrong.length === 1 ? `key ${wrong[0]} is` : `keys ${wrong.join(', ')} are`
      } not`,
    });
  }
});

/** Comma-separated http(s) URLs without credentials (blank entries are skipped). */
const sinkList = optionalString.refine(
  (v) =>
    v === undefined || v.split(',').every((u) => u.trim() === '' || isHttpUrlWithoutCredentials(u.trim())),
  'must be comma-separated http(s) URLs without credentials',
);

const envSchema = z
  .object({
    PORT: intIn(0, 65535, 8080),
    MONGODB_URI: mongoUri('is required (mongodb://host:port/db)'),
    LABS_REFRESH_INTERVAL: intIn(0, 7 * 24 * 3600, 1800),
    RECONCILE_CONCURRENCY: intIn(1, 256, 8),
    RECONCILE_MAX_DELETE_RATIO: z.coerce.number().min(0).max(1).default(0.5),
    CML_TIMEOUT_MS: intIn(100, 600_000, 15_000),
    CML_LAB_DETAIL_CONCURRENCY: intIn(1, 64, 8),
    CML_LAB_TILES: z.enum(['true', 'false'], { error: 'must be true or false' }).default('true'),
    CML_CONVERGE_TIMEOUT_MS: intIn(100, 3_600_000, 120_000),
    CML_ALLOW_PRIVATE_ENDPOINTS: optionalString.refine(
      (v) =>
        v === undefined ||
        v.split(',').every((c) => c.trim() === '' || /^[0-9a-fA-F:.]+\/\d{1,3}$/.test(c.trim())),
      'must be comma-separated CIDR ranges, e.g. 127.0.0.0/8,10.0.0.0/8',
    ),
    CLOUDEVENTS_SINK_URL: sinkList,
    K_SINK: sinkList,
    CLOUDEVENTS_SOURCE: z.string().min(1).default('/cml-labs'),
    CLOUDEVENTS_TYPE_PREFIX: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]*$/, 'must be lowercase letters, digits, dots and dashes')
      .default('io.cml-labs'),
    OUTBOX_MAX_ATTEMPTS: intIn(1, 100, 8),
    OUTBOX_RETRY_BASE_MS: intIn(10, 3_600_000, 1000),
    OUTBOX_RELAY_INTERVAL_MS: intIn(100, 3_600_000, 10_000),
    OUTBOX_SEND_TIMEOUT_MS: intIn(100, 120_000, 5000),
    TOMBSTONE_RETENTION_SECONDS: intIn(0, 10 * 365 * 24 * 3600, 30 * 24 * 3600),
    SECRETS_KEY: secretsKey,
    SECRETS_KEYS_PREVIOUS: previousSecretsKeys,
    ...authSettingsShape,
    ...notificationSettingsShape,
    LOG_LEVEL: logLevel,
    LOG_FORMAT: logFormat,
    DB_OPERATION_TIMEOUT_MS: intIn(100, 600_000, 30_000),
    FERRETDB_ALLOW_MULTIPLE_INSTANCES: trueOrFalse,
    MONGODB_CONDITIONAL_WRITES: z
      .enum(CONDITIONAL_WRITES_SETTINGS, {
        error: `must be one of ${CONDITIONAL_WRITES_SETTINGS.join(', ')}`,
      })
      .default('auto'),
    BULK_DELETE_CONCURRENCY_PER_WORKER: intIn(1, 64, 4),
    BULK_DELETE_MAX_LABS: intIn(1, 50_000, 10_000),
    BULK_DELETE_JOB_LEASE_MS: intIn(1_000, 3_600_000, 30_000),
  })
  .superRefine((env, ctx) => {
    if (!env.SECRETS_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['SECRETS_KEY'],
        message: 'is required: a 32-byte key, base64-encoded, that encrypts CML passwords at rest',
      });
    }
    checkAuthSettings(env, ctx);
  });

/** Validated configuration; also the DI token under which it is provided. */
export class AppConfig {
  readonly port!: number;
  readonly mongodbUri!: string;
  readonly labsRefreshIntervalSeconds!: number;
  readonly reconcileConcurrency!: number;
  readonly reconcileMaxDeleteRatio!: number;
  readonly cmlTimeoutMs!: number;
  readonly cmlLabDetailConcurrency!: number;
  /** Whether Phase 2 asks `GET /populate_lab_tiles` first, to skip the details of unchanged labs. */
  readonly cmlLabTiles!: boolean;
  /** How long a forced delete waits for a stopping (or wiping) lab before it gives up. */
  readonly cmlConvergeTimeoutMs!: number;
  /** CIDR ranges that worker endpoints may resolve to although private, loopback or link-local. */
  readonly cmlAllowPrivateEndpoints!: string[];
  readonly cloudEventsSinks!: string[];
  readonly cloudEventsSource!: string;
  readonly cloudEventsTypePrefix!: string;
  /**
   * How the sender proves itself to the sinks (CLOUDEVENTS_SINK_TOKEN, CLOUDEVENTS_SINK_HMAC_SECRET, or their
   * _FILE variants): the same for every sink. Printed as `[redacted]` when logged.
   */
  readonly cloudEventsSinkAuth!: { token?: string; hmacSecret?: string };
  readonly outbox!: {
    maxAttempts: number;
    retryBaseMs: number;
    relayIntervalMs: number;
    sendTimeoutMs: number;
  };
  readonly tombstoneRetentionSeconds!: number;
  /** Encrypts CML passwords written from now on, and decrypts them. */
  readonly secretsKey!: Buffer;
  /** Old keys that still decrypt, during a rotation; nothing new is written under them. */
  readonly secretsPreviousKeys!: Buffer[];
  readonly auth!: AuthSettings;
  /** NOTIFY_*: who hears of removals, pending orphans, failed reconciliations and dead letters, and how. */
  readonly notifications!: NotificationSettings;
  readonly logLevel!: string;
  readonly logFormat!: LogFormat;
  readonly database!: {
    /**
     * How long one database round trip may go unanswered (DB_OPERATION_TIMEOUT_MS, the driver's socketTimeoutMS)
     * before it fails as "database unavailable"; see databaseConnectionOptions in apps/api for why.
     */
    operationTimeoutMs: number;
    /**
     * FERRETDB_ALLOW_MULTIPLE_INSTANCES: start although another API instance is live on the same FerretDB
     * database (its conditional updates are not atomic under concurrency), with a warning.
     */
    allowMultipleInstancesOnFerretDb: boolean;
    /**
     * MONGODB_CONDITIONAL_WRITES: `auto` (FerretDB -> unique-insert-only, anything else -> atomic), or the path to
     * take whatever the server says (`unique-insert-only` for a MongoDB-compatible server the detection cannot
     * see; `atomic` on FerretDB is refused at start). See DatabaseWriteSemantics.
     */
    conditionalWrites: ConditionalWritesSetting;
  };

  readonly bulkDelete!: {
    /** Phase 1 deletes of one job running at once on one worker (workers run in parallel). */
    concurrencyPerWorker: number;
    /** The most labs one job takes; a filter that selects more is refused (and a dry run lists this many). */
    maxLabs: number;
    /**
     * How long a job's lease lasts unrenewed: a job whose process died is resumed by another (or the
     * restarted) process within about 1.5 times this. Renewed every third of it.
     */
    jobLeaseMs: number;
  };

  constructor(values: AppConfig) {
    Object.assign(this, values);
  }
}

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigValidationError';
  }
}

/**
 * Reads and validates the environment once at start. Every wrong variable is reported in one
 * message, so an operator fixes them all in one go instead of one per restart.
 */
export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  // Read at start like every other setting (a _FILE is not re-read): a rotation is a restart.
  const sinkToken = readSharedSecret(env, 'CLOUDEVENTS_SINK_TOKEN');
  const sinkHmacSecret = readSharedSecret(env, 'CLOUDEVENTS_SINK_HMAC_SECRET');
  const secretProblems = [sinkToken.problem, sinkHmacSecret.problem].filter((p): p is string => !!p);
  const notifications = parsed.success ? notificationSettingsOf(env, parsed.data) : undefined;
  secretProblems.push(...(notifications?.problems ?? []));
  if (!parsed.success || !notifications || secretProblems.length > 0) {
    throw new ConfigValidationError([...(parsed.error?.issues ?? []).map(problemOf), ...secretProblems]);
  }
  const e = parsed.data;
  return new AppConfig({
    port: e.PORT,
    mongodbUri: e.MONGODB_URI,
    labsRefreshIntervalSeconds: e.LABS_REFRESH_INTERVAL,
    reconcileConcurrency: e.RECONCILE_CONCURRENCY,
    reconcileMaxDeleteRatio: e.RECONCILE_MAX_DELETE_RATIO,
    cmlTimeoutMs: e.CML_TIMEOUT_MS,
    cmlLabDetailConcurrency: e.CML_LAB_DETAIL_CONCURRENCY,
    cmlLabTiles: e.CML_LAB_TILES === 'true',
    cmlConvergeTimeoutMs: e.CML_CONVERGE_TIMEOUT_MS,
    cmlAllowPrivateEndpoints: commaSeparated(e.CML_ALLOW_PRIVATE_ENDPOINTS),
    cloudEventsSinks: commaSeparated(e.CLOUDEVENTS_SINK_URL ?? e.K_SINK),
    cloudEventsSource: e.CLOUDEVENTS_SOURCE,
    cloudEventsTypePrefix: e.CLOUDEVENTS_TYPE_PREFIX,
    cloudEventsSinkAuth: hiddenFromLogs({ token: sinkToken.value, hmacSecret: sinkHmacSecret.value }),
    outbox: {
      maxAttempts: e.OUTBOX_MAX_ATTEMPTS,
      retryBaseMs: e.OUTBOX_RETRY_BASE_MS,
      relayIntervalMs: e.OUTBOX_RELAY_INTERVAL_MS,
      sendTimeoutMs: e.OUTBOX_SEND_TIMEOUT_MS,
    },
    tombstoneRetentionSeconds: e.TOMBSTONE_RETENTION_SECONDS,
    secretsKey: Buffer.from(e.SECRETS_KEY ?? '', 'base64'),
    secretsPreviousKeys: commaSeparated(e.SECRETS_KEYS_PREVIOUS).map((k) => Buffer.from(k, 'base64')),
    auth: authSettingsOf(e),
    notifications: notifications.settings,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    database: {
      operationTimeoutMs: e.DB_OPERATION_TIMEOUT_MS,
      allowMultipleInstancesOnFerretDb: e.FERRETDB_ALLOW_MULTIPLE_INSTANCES === 'true',
      conditionalWrites: e.MONGODB_CONDITIONAL_WRITES,
    },
    bulkDelete: {
      concurrencyPerWorker: e.BULK_DELETE_CONCURRENCY_PER_WORKER,
      maxLabs: e.BULK_DELETE_MAX_LABS,
      jobLeaseMs: e.BULK_DELETE_JOB_LEASE_MS,
    },
  });
}
