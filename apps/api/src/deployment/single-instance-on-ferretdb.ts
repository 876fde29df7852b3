import { BeforeApplicationShutdown, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { AppConfig, DatabaseWriteSemantics } from '@app/common';
import { InstanceClaim, InstanceClaims, InstanceIdentity } from './instance-claims';

/** How often the holder writes its heartbeat. */
export const HEARTBEAT_INTERVAL_MS = 10_000;
/** A claim without a heartbeat for this long is free: its instance crashed (or cannot reach the database). */
export const CLAIM_STALE_AFTER_MS = 30_000;

/**
 * The API refuses to start: the deployment is unsafe. Its message says why and what to do; it has no stack
 * frames, since where in Nest's start-up it was thrown tells an operator nothing.
 */
export class UnsafeDeploymentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeDeploymentError';
    this.stack = `${this.name}: ${message}`;
  }
}

/**
 * One live API instance per FerretDB database (more precisely: per database whose DatabaseWriteSemantics are
 * `unique-insert-only`, which is FerretDB, or a server MONGODB_CONDITIONAL_WRITES put on that path). On FerretDB v1
 * conditional updates are not atomic under concurrency (an update's filter is not checked again when the document
 * is written back), so Phase 1's tombstone and Phase 2's version-conditional writes are serialised within one
 * process only (InProcessWorkerWriteLock; README, "FerretDB"): a second replica on the same database can erase a
 * tombstone or remove a record twice. So on that path the instance claims the database at start, keeps the claim
 * alive with a heartbeat and frees it on graceful shutdown; a crashed instance's claim goes stale. A second instance refuses to start unless
 * FERRETDB_ALLOW_MULTIPLE_INSTANCES=true accepts the risk (it then warns, and takes the claim once it is free so
 * that instances without the setting still see it). On the `atomic` path (MongoDB) nothing is claimed: replicas are
 * safe there.
 *
 * Checked in onModuleInit, before any job starts (they start on application bootstrap); the module is global, so
 * its shutdown hook runs after the feature modules' (the running reconciliation finishes first) and before the
 * connection closes.
 */
@Injectable()
export class SingleInstanceOnFerretDb implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(SingleInstanceOnFerretDb.name);
  private readonly identity: InstanceIdentity = {
    holder: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    host: hostname(),
    pid: process.pid,
  };
  private claims: InstanceClaims | undefined;
  private held: InstanceClaim | null = null;
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> | undefined;
  private heartbeatFailing = false;
  private stopped = false;
  /** How the messages name the database (set at start, on the `unique-insert-only` path). */
  private database: DatabaseDescription | undefined;

  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly config: AppConfig,
    private readonly semantics: DatabaseWriteSemantics,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.semantics.conditionalWrites === 'atomic') return;
    const database = (this.database = databaseOf(this.semantics));
    const allowed = this.config.database.allowMultipleInstancesOnFerretDb;
    this.claims = new InstanceClaims(this.connection, CLAIM_STALE_AFTER_MS);
    const outcome = await this.claims.claim(this.identity);
    if ('heldBy' in outcome && !allowed) {
      throw new UnsafeDeploymentError(refusal(outcome.heldBy, database));
    }
    if ('claimed' in outcome) this.held = outcome.claimed;
    if (allowed) {
      this.logger.warn(
        `FERRETDB_ALLOW_MULTIPLE_INSTANCES=true: this API instance does not insist on being the only one on this ` +
          `${database.name} database ${database.server}. ${database.why}, so two ` +
          `live instances can corrupt the removal bookkeeping (a tombstone erased, a record removed twice). ` +
          ('heldBy' in outcome
            ? `Another instance (${describe(outcome.heldBy)}) is running on it now. `
            : 'No other instance is running on it now. ') +
          'Run replicas on MongoDB.',
      );
    }
    this.timer = setInterval(() => void this.heartbeat(), HEARTBEAT_INTERVAL_MS);
    this.timer.unref();
  }

  /** After the feature modules stopped their work, before the connection closes: the database is free at once. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.beating;
    await this.release();
  }

  private heartbeat(): Promise<void> {
    // A heartbeat still waiting for a database that does not answer is not joined by a second one.
    this.beating ??= this.beat().finally(() => {
      this.beating = undefined;
    });
    return this.beating;
  }

  private async beat(): Promise<void> {
    const claims = this.claims;
    if (!claims || this.stopped) return;
    const held = this.held;
    try {
      if (!held) {
        // Only with FERRETDB_ALLOW_MULTIPLE_INSTANCES=true: take the claim once it is free.
        const outcome = await claims.claim(this.identity);
        if ('claimed' in outcome) this.held = outcome.claimed;
      } else if (!(await claims.refresh(held))) {
        this.held = null;
        if (!this.config.database.allowMultipleInstancesOnFerretDb) {
          this.logger.error(
            `This API instance lost its claim on the ${this.database?.name} database (claim ${held._id}): no ` +
              `heartbeat could be written for over ${CLAIM_STALE_AFTER_MS / 1000} s and another instance has ` +
              `started on it since. Two instances are now running on one ${this.database?.name} database, which ` +
              'can corrupt the removal bookkeeping: stop one of them.',
          );
        }
      }
      this.heartbeatFailing = false;
    } catch (error) {
      // The database is away: the claim goes stale if this lasts, and the next heartbeat tries again.
      if (!this.heartbeatFailing) {
        this.logger.warn({ err: (error as Error).message }, 'could not write the instance heartbeat');
      }
      this.heartbeatFailing = true;
    }
  }

  private async release(): Promise<void> {
    const held = this.held;
    this.held = null;
    if (!held || !this.claims) return;
    await this.claims
      .release(held)
      .catch((error: unknown) =>
        this.logger.warn(
          { err: (error as Error).message },
          `could not release the claim on the database; it is free ${CLAIM_STALE_AFTER_MS / 1000} s after the last heartbeat`,
        ),
      );
  }
}

function describe(claim: InstanceClaim): string {
  const ago = Math.max(0, Math.round((Date.now() - claim.heartbeatAt.getTime()) / 1000));
  return `${claim.holder}, last heartbeat ${ago} s ago`;
}

/** How the messages name the database and say why one instance: FerretDB, or a server put on its path. */
interface DatabaseDescription {
  /** `FerretDB` in "this FerretDB database". */
  name: string;
  /** `(FerretDB v1.24.2)`. */
  server: string;
  /** Why two instances are unsafe, as a sentence without its full stop. */
  why: string;
}

function databaseOf(semantics: DatabaseWriteSemantics): DatabaseDescription {
  return semantics.ferretDbVersion
    ? {
        name: 'FerretDB',
        server: `(${semantics.server})`,
        why: 'FerretDB v1 does not apply conditional updates atomically',
      }
    : {
        name: 'unique-insert-only',
        server: `(${semantics.server}, MONGODB_CONDITIONAL_WRITES=unique-insert-only)`,
        why: 'MONGODB_CONDITIONAL_WRITES=unique-insert-only says it may not apply conditional updates atomically',
      };
}

function refusal(claim: InstanceClaim, database: DatabaseDescription): string {
  return (
    `Refusing to start: another API instance (${describe(claim)}) is running on this ${database.name} database ` +
    `${database.server}. ${database.why}, so two live ` +
    'instances can corrupt the removal bookkeeping (README, "FerretDB"). Stop the other instance (the claim of one ' +
    `that crashed is free ${CLAIM_STALE_AFTER_MS / 1000} s after its last heartbeat), run replicas on MongoDB, or ` +
    'set FERRETDB_ALLOW_MULTIPLE_INSTANCES=true to start anyway and accept the risk.'
  );
}
