import { Model } from 'mongoose';
import { setTimeout as sleep } from 'node:timers/promises';
import { UniqueClaims } from '@app/common';
import { OutboxClaimDocument, OutboxClaimSchema } from './outbox-claim.schema';
import { LabRecordDocument } from './lab-record.schema';

/** A writer of one entry that died holding its lock: after this, the lock is taken over. */
const ENTRY_LOCK_STALE_MS = 10_000;
/** How long a writer waits for another writer of the same entry (one write takes milliseconds). */
const ENTRY_LOCK_WAIT_MS = 15_000;

/** The claims collection of the outbox, on the records' connection (no module registers it). */
export function outboxClaimModel(records: Model<LabRecordDocument>): Model<OutboxClaimDocument> {
  return records.db.model<OutboxClaimDocument>(OutboxClaimDocument.name, OutboxClaimSchema);
}

/**
 * Runs a read-modify-write of one record's outbox (its events' deliveries and due time) with no
 * other such writer at once: the fast path, the relay, two sinks, two replicas, a retry and a
 * restore (which moves the removal's deliveries) all write the same document, and what is
 * written must follow what is stored. The lock is a unique insert, the one conditional write
 * FerretDB v1 performs atomically (its conditional updates re-check nothing).
 */
export class OutboxEntryLock {
  constructor(private readonly claims: UniqueClaims<OutboxClaimDocument>) {}

  /** Claims `key` unless another holds it, taking over a claim older than `ttlMs`. */
  claim(key: string, now: Date, ttlMs: number): Promise<boolean> {
    return this.claims.claimAttempt(key, now, ttlMs);
  }

  async run<T>(recordId: string, work: () => Promise<T>): Promise<T> {
    const key = `entry-lock#${recordId}`;
    const deadline = Date.now() + ENTRY_LOCK_WAIT_MS;
    for (let attempt = 0; !(await this.claim(key, new Date(), ENTRY_LOCK_STALE_MS)); attempt++) {
      if (Date.now() > deadline) throw new Error(`outbox entry ${recordId} stayed locked by another writer`);
      await sleep(Math.min(100, 5 * 2 ** attempt));
    }
    try {
      return await work();
    } finally {
      await this.claims.release(key);
    }
  }
}
