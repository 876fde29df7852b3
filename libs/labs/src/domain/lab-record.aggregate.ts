import { AggregateRoot } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { CmlLabSnapshot } from './cml-lab-snapshot';
import { DeleteIntent } from './delete-intent';
import { LabDeletedEvent } from './events/lab-deleted.event';
import { LabOrphanRemovedEvent, OrphanEvidence } from './events/lab-orphan-removed.event';
import { LabRestoredEvent } from './events/lab-restored.event';
import { LabState, normalizeLabState } from './lab-state';

export type LabRemovalEvent = LabDeletedEvent | LabOrphanRemovedEvent;
/** Every event a record's outbox carries: its removals and its restores. */
export type LabOutboxEvent = LabRemovalEvent | LabRestoredEvent;

/**
 * Why and when a record was removed. A removed record stays as a tombstone: it is absent from
 * every read, a stale CML list cannot bring it back, and it carries the removal event so that the
 * event is stored by the very write that removes the record.
 */
export interface LabRemoval {
  kind: LabRemovalEvent['type'];
  at: Date;
  event: LabRemovalEvent;
}

export interface PendingOrphan {
  detectedAt: Date;
  lastConfirmedAt: Date;
}

/** The lab fields we copy from CML; a record is rewritten only when one of them changed. */
export interface LabContent {
  title: string;
  description: string;
  notes: string;
  state: LabState;
  owner: string;
  ownerUsername: string;
  ownerFullname: string;
  nodeCount: number;
  linkCount: number;
  groups: unknown[];
  cmlCreatedAt: string | null;
  cmlModifiedAt: string | null;
}

export interface LabRecordProps extends LabContent {
  workerId: string;
  labId: string;
  firstSeenAt: Date;
  /** When this record was last written from CML data. */
  lastSyncedAt: Date;
  /** Incremented on every write; removals and updates are conditional on it. */
  version: number;
  removal: LabRemoval | null;
  /** Confirmed gone from CML but held back by the delete-ratio guard until an admin approves. */
  pendingOrphan: PendingOrphan | null;
  /** Epoch of the reconciliation lease that last wrote the record (fencing). */
  fence: number;
  /**
   * A Phase 1 delete in progress, stored on the record before CML is touched and cleared by the
   * write of its tombstone: if the process dies in between, Phase 2 completes it as that user's.
   * Written only by Phase 1 (LabRecordRepository.findForDelete); Phase 2 writes never set it.
   */
  deleteIntent: DeleteIntent | null;
}

/** Deterministic document id: one record per lab per worker, found without an index scan. */
export function labRecordId(workerId: string, labId: string): string {
  return `${workerId}:${labId}`;
}

function contentOf(snapshot: CmlLabSnapshot): LabContent {
  return {
    title: snapshot.title,
    description: snapshot.description,
    notes: snapshot.notes,
    state: normalizeLabState(snapshot.state),
    owner: snapshot.owner,
    ownerUsername: snapshot.ownerUsername,
    ownerFullname: snapshot.ownerFullname,
    nodeCount: snapshot.nodeCount,
    linkCount: snapshot.linkCount,
    groups: snapshot.groups,
    cmlCreatedAt: snapshot.created || null,
    cmlModifiedAt: snapshot.modified || null,
  };
}

function sameContent(a: LabContent, b: LabContent): boolean {
  return (
    a.title === b.title &&
    a.description === b.description &&
    a.notes === b.notes &&
    a.state === b.state &&
    a.owner === b.owner &&
    a.ownerUsername === b.ownerUsername &&
    a.ownerFullname === b.ownerFullname &&
    a.nodeCount === b.nodeCount &&
    a.linkCount === b.linkCount &&
    a.cmlCreatedAt === b.cmlCreatedAt &&
    a.cmlModifiedAt === b.cmlModifiedAt &&
    JSON.stringify(a.groups) === JSON.stringify(b.groups)
  );
}

/** The local record of one CML lab on one worker: the read model the frontend lists. */
export class LabRecord extends AggregateRoot {
  private constructor(private props: LabRecordProps) {
    super();
  }

  static discovered(workerId: string, snapshot: CmlLabSnapshot, now: Date): LabRecord {
    return new LabRecord({
      workerId,
      labId: snapshot.id,
      ...contentOf(snapshot),
      firstSeenAt: now,
      lastSyncedAt: now,
      version: 0,
      removal: null,
      pendingOrphan: null,
      fence: 0,
      deleteIntent: null,
    });
  }

  static restore(props: LabRecordProps): LabRecord {
    return new LabRecord({ ...props });
  }

  get id(): string {
    return labRecordId(this.props.workerId, this.props.labId);
  }
  get workerId(): string {
    return this.props.workerId;
  }
  get labId(): string {
    return this.props.labId;
  }
  get version(): number {
    return this.props.version;
  }
  get title(): string {
    return this.props.title;
  }
  get isRemoved(): boolean {
    return this.props.removal !== null;
  }
  get removal(): LabRemoval | null {
    return this.props.removal;
  }
  get pendingOrphan(): PendingOrphan | null {
    return this.props.pendingOrphan;
  }
  get deleteIntent(): DeleteIntent | null {
    return this.props.deleteIntent;
  }

  /** Phase 1: the lab was deleted in CML (or CML no longer had it). */
  markDeleted(input: {
    deletedBy: string;
    alreadyAbsentInCml: boolean;
    now: Date;
    traceparent?: string;
    deletedByUsername?: string;
  }): LabDeletedEvent {
    this.assertLive();
    const event = new LabDeletedEvent(
      randomUUID(),
      ...this.eventSubject(),
      input.deletedBy,
      input.alreadyAbsentInCml,
      input.now.toISOString(),
      input.traceparent,
      input.deletedByUsername,
    );
    return this.removeWith(event, input.now);
  }

  /** Phase 2: the lab is gone from CML, confirmed by the evidence given. */
  markOrphanRemoved(input: {
    trigger: 'manual' | 'scheduled';
    reconciliationId: string;
    lastSeenAt: Date;
    evidence: OrphanEvidence;
    now: Date;
    traceparent?: string;
  }): LabOrphanRemovedEvent {
    this.assertLive();
    const event = new LabOrphanRemovedEvent(
      randomUUID(),
      ...this.eventSubject(),
      input.trigger,
      input.reconciliationId,
      input.lastSeenAt.toISOString(),
      input.evidence,
      input.now.toISOString(),
      input.traceparent,
    );
    return this.removeWith(event, input.now);
  }

  /**
   * The removal was made on wrong evidence: CML has the lab. The record is live again, with the
   * content CML shows now when it is given (Phase 2 read the details), and the event of its restore.
   * The removal event stays the repository's to keep until it is delivered (saveRestoration).
   */
  markRestored(input: {
    restoredBy: string;
    now: Date;
    snapshot?: CmlLabSnapshot;
    traceparent?: string;
  }): LabRestoredEvent {
    const removal = this.props.removal;
    if (!removal) throw new Error(`Lab record ${this.id} is not removed`);
    this.props = { ...this.props, removal: null, pendingOrphan: null, deleteIntent: null };
    if (input.snapshot) {
      this.syncWith(input.snapshot, input.now);
      this.props = { ...this.props, lastSyncedAt: input.now };
    }
    const event = new LabRestoredEvent(
      randomUUID(),
      ...this.eventSubject(),
      input.restoredBy,
      removal.at.toISOString(),
      input.now.toISOString(),
      input.traceparent,
    );
    this.apply(event);
    return event;
  }

  /** Held back by the delete-ratio guard; keeps the first detection time. */
  markPendingOrphan(now: Date): void {
    this.assertLive();
    this.props = {
      ...this.props,
      pendingOrphan: { detectedAt: this.props.pendingOrphan?.detectedAt ?? now, lastConfirmedAt: now },
    };
  }

  /** Worker, lab, title and owner, as every removal and restore event names them. */
  private eventSubject(): [workerId: string, labId: string, title: string, owner: string] {
    return [
      this.props.workerId,
      this.props.labId,
      this.props.title,
      this.props.ownerUsername || this.props.owner,
    ];
  }

  /** The tombstone: the record leaves every read, carrying the event its removal emits. */
  private removeWith<E extends LabRemovalEvent>(event: E, now: Date): E {
    this.props = {
      ...this.props,
      removal: { kind: event.type, at: now, event },
      pendingOrphan: null,
      deleteIntent: null,
    };
    this.apply(event);
    return event;
  }

  private assertLive(): void {
    if (this.props.removal) throw new Error(`Lab record ${this.id} was removed already`);
  }

  /**
   * Copies CML's view into the record; false (and no change) when nothing differs. A pending
   * orphan that CML lists again is no orphan: that is a change too.
   */
  syncWith(snapshot: CmlLabSnapshot, now: Date): boolean {
    this.assertLive();
    if (this.isCurrentWith(snapshot)) return false;
    this.props = { ...this.props, ...contentOf(snapshot), lastSyncedAt: now, pendingOrphan: null };
    return true;
  }

  /** Whether a sync with this snapshot would leave the live record as it is (nothing to write). */
  isCurrentWith(snapshot: CmlLabSnapshot): boolean {
    return (
      !this.isRemoved && this.props.pendingOrphan === null && sameContent(this.props, contentOf(snapshot))
    );
  }

  toProps(): LabRecordProps {
    return { ...this.props, groups: [...this.props.groups] };
  }
}
