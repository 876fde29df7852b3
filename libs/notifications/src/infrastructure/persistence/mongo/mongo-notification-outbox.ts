import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, mongo } from 'mongoose';
import { UniqueClaims } from '@app/common';
import { Notification, NotificationRoute } from '../../../domain/notification';
import {
  AttemptOutcome,
  NotificationDelivery,
  NotificationDeliveryStatus,
} from '../../../domain/notification-delivery';
import { NotificationProvider, Recipient } from '../../../domain/notification-provider';
import { NotificationOutbox, RetryResult } from '../../../application/ports/notification-outbox';
import {
  NotificationClaimDocument,
  NotificationClaimSchema,
  NotificationDocument,
} from './notification.schema';

type Doc = NotificationDocument;

function toDelivery(doc: Doc): NotificationDelivery {
  return {
    id: doc._id,
    route: doc.route as NotificationRoute,
    provider: doc.provider as NotificationProvider,
    recipient: doc.recipient as unknown as Recipient,
    notification: doc.notification as unknown as Notification,
    status: doc.status as NotificationDeliveryStatus,
    attempts: doc.attempts,
    replays: doc.replays ?? 0,
    nextAttemptAt: new Date(doc.nextAttemptAt),
    lastError: doc.lastError ?? null,
    createdAt: new Date(doc.createdAt),
    deliveredAt: doc.deliveredAt ? new Date(doc.deliveredAt) : null,
  };
}

function toDocument(d: NotificationDelivery): Doc {
  return {
    _id: d.id,
    route: d.route,
    provider: d.provider,
    recipient: { ...d.recipient },
    notification: { ...d.notification } as unknown as Record<string, unknown>,
    status: d.status,
    attempts: d.attempts,
    replays: d.replays,
    nextAttemptAt: d.nextAttemptAt,
    lastError: d.lastError,
    createdAt: d.createdAt,
    deliveredAt: d.deliveredAt,
  };
}

/**
 * The notification outbox in `notifications`. Every write is by `_id` (the one indexed filter on FerretDB); the
 * relay's and the API's reads filter on status, which scans, but the collection holds the undelivered and the
 * recently delivered notifications only (delivered ones are purged after NOTIFY_RETENTION_SECONDS).
 */
@Injectable()
export class MongoNotificationOutbox extends NotificationOutbox {
  private readonly claimModel: Model<NotificationClaimDocument>;
  private readonly claims: UniqueClaims<NotificationClaimDocument>;

  constructor(@InjectModel(NotificationDocument.name) private readonly model: Model<NotificationDocument>) {
    super();
    this.claimModel = model.db.model<NotificationClaimDocument>(
      NotificationClaimDocument.name,
      NotificationClaimSchema,
    );
    this.claims = new UniqueClaims(this.claimModel);
  }

  async enqueue(deliveries: NotificationDelivery[]): Promise<number> {
    if (deliveries.length === 0) return 0;
    try {
      // lean: stored as mapped (no casting of the Mixed facts). Unordered: one already queued does not stop the others.
      await this.model.insertMany(deliveries.map(toDocument), { ordered: false, lean: true });
      return deliveries.length;
    } catch (error) {
      if (!(error instanceof mongo.MongoBulkWriteError)) throw error;
      const errors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
      // Already queued (duplicate key): what an idempotent enqueue means. Anything else is a real failure.
      if (errors.some((e) => e.code !== 11000)) throw error;
      return deliveries.length - errors.length;
    }
  }

  async findDue(now: Date, limit: number): Promise<NotificationDelivery[]> {
    const docs = await this.model
      .find({ status: 'pending', nextAttemptAt: { $lte: now } })
      .sort({ nextAttemptAt: 1 })
      .limit(limit)
      .lean<Doc[]>()
      .exec();
    return docs.map(toDelivery);
  }

  async findById(id: string): Promise<NotificationDelivery | null> {
    const doc = await this.model.findById(id).lean<Doc>().exec();
    return doc ? toDelivery(doc) : null;
  }

  claim(claimKey: string, now: Date, ttlMs: number): Promise<boolean> {
    return this.claims.claimAttempt(claimKey, now, ttlMs);
  }

  async record(seen: NotificationDelivery, outcome: AttemptOutcome): Promise<void> {
    // Only over the attempt that was claimed: a replay meanwhile (replays moved on) is not overwritten.
    await this.model
      .updateOne(
        { _id: seen.id, attempts: seen.attempts, replays: seen.replays, status: 'pending' },
        { $set: { ...outcome } },
      )
      .exec();
  }

  async list(status: 'pending' | 'dead', limit: number): Promise<NotificationDelivery[]> {
    const docs = await this.model.find({ status }).sort({ createdAt: 1 }).limit(limit).lean<Doc[]>().exec();
    return docs.map(toDelivery);
  }

  count(status: 'pending' | 'dead'): Promise<number> {
    return this.model.countDocuments({ status }).exec();
  }

  async retry(id: string, now: Date): Promise<RetryResult> {
    const found = await this.findById(id);
    if (!found) return 'not-found';
    if (found.status !== 'dead') return 'not-dead';
    await this.model
      .updateOne(
        { _id: id, status: 'dead', replays: found.replays },
        { $set: { status: 'pending', attempts: 0, replays: found.replays + 1, nextAttemptAt: now } },
      )
      .exec();
    return 'retried';
  }

  async purgeDelivered(before: Date): Promise<number> {
    const result = await this.model.deleteMany({ status: 'delivered', deliveredAt: { $lt: before } }).exec();
    await this.claimModel.deleteMany({ at: { $lt: before } }).exec();
    return result.deletedCount;
  }
}
