import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema } from 'mongoose';

/** DeleteIntent as the record stores it (its worker and lab are the record's). */
export interface StoredDeleteIntent {
  by: string;
  byUsername?: string;
  at: Date;
  force: boolean;
  traceparent?: string;
}

/** An event of the record's outbox with its deliveries, one per sink. */
export interface StoredOutboxEvent {
  event: Record<string, unknown>;
  deliveries?: Record<string, unknown>[];
}

@Schema({ collection: 'lab_records', versionKey: false, _id: false })
export class LabRecordDocument {
  /** `${workerId}:${labId}`: every write and every single-lab read is by `_id`. */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ required: true })
  workerId!: string;

  @Prop({ required: true })
  labId!: string;

  @Prop({ required: true })
  title!: string;

  @Prop({ default: '' })
  description!: string;

  @Prop({ default: '' })
  notes!: string;

  @Prop({ required: true })
  state!: string;

  @Prop({ default: '' })
  owner!: string;

  @Prop({ default: '' })
  ownerUsername!: string;

  @Prop({ default: '' })
  ownerFullname!: string;

  @Prop({ default: 0 })
  nodeCount!: number;

  @Prop({ default: 0 })
  linkCount!: number;

  @Prop({ type: [MongooseSchema.Types.Mixed], default: [] })
  groups!: unknown[];

  @Prop({ type: String, default: null })
  cmlCreatedAt!: string | null;

  @Prop({ type: String, default: null })
  cmlModifiedAt!: string | null;

  @Prop({ required: true })
  firstSeenAt!: Date;

  @Prop({ required: true })
  lastSyncedAt!: Date;

  @Prop({ required: true })
  version!: number;

  /** Tombstone: set by the single write that removes the record, with the removal event in it. */
  @Prop({ type: MongooseSchema.Types.Mixed, default: null })
  removal!: {
    kind: string;
    at: Date;
    event: Record<string, unknown>;
    deliveries?: Record<string, unknown>[];
  } | null;

  /**
   * `removal.at`, top level and indexed, null while the record is live: written by every write that writes
   * `removal` (and set back to null by the restore), so that the hourly purge's date range is answered from an
   * index. FerretDB pushes down no dotted path, and without it the purge read the whole collection. Records
   * tombstoned before it existed get it from RemovedAtBackfill, before the first purge.
   */
  @Prop({ type: Date, default: null })
  removedAt!: Date | null;

  /**
   * Outbox: events of states the record has left, kept until their deliveries are settled. A
   * restore moves the removal's event here (its deliveries as they stand) beside the restore's
   * own, in the same write that makes the record live; a later removal leaves them be.
   */
  @Prop({ type: [MongooseSchema.Types.Mixed], default: undefined })
  pastEvents?: StoredOutboxEvent[];

  /** Outbox: when some event of the record next needs the relay; null when every delivery is settled. */
  @Prop({ type: Date, default: null })
  outboxDue!: Date | null;

  /** Outbox: some delivery of the removal event is dead (GET /api/outbox?status=dead). */
  @Prop({ type: Boolean })
  outboxHasDead?: boolean;

  @Prop({ type: MongooseSchema.Types.Mixed, default: null })
  pendingOrphan!: { detectedAt: Date; lastConfirmedAt: Date } | null;

  /** Lease epoch of the reconciliation that last wrote this document; older epochs may not write. */
  @Prop({ default: 0 })
  fence!: number;

  /** Phase 1's delete in progress (who, when, force, traceparent); cleared with the tombstone. */
  @Prop({ type: MongooseSchema.Types.Mixed, default: null })
  deleteIntent!: StoredDeleteIntent | null;

  /** Which bulk write last wrote this document (see MongoLabRecordRepository.saveChanges). */
  @Prop({ type: String })
  writeId?: string;
}

export const LabRecordSchema = SchemaFactory.createForClass(LabRecordDocument);
// The per-worker reads, paging and removal. FerretDB on SQLite reads an equality on the leading field of an index
// from that index (scripts/ferretdb-patches/0003), and a `$ne: null` or a date range from it for the outbox ones.
LabRecordSchema.index({ workerId: 1, labId: 1 }, { name: 'lab_worker_lab' });
// The outbox relay, GET /api/outbox, the backlog metrics and the retry endpoint (a dotted path: MongoDB only).
LabRecordSchema.index({ outboxDue: 1 }, { name: 'lab_outbox_due' });
LabRecordSchema.index({ outboxHasDead: 1 }, { name: 'lab_outbox_dead' });
// The tombstone purge: only tombstones have a date there, so FerretDB reads just them (a date range, patch 0003).
LabRecordSchema.index({ removedAt: 1 }, { name: 'lab_removed_at' });
LabRecordSchema.index({ 'removal.event.eventId': 1 }, { name: 'lab_removal_event' });
LabRecordSchema.index({ 'pastEvents.event.eventId': 1 }, { name: 'lab_past_event' });
