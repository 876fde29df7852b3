import { AggregateRoot } from '@nestjs/cqrs';
import { CmlLabSnapshot } from './cml-lab-snapshot';
import { LabState, normalizeLabState } from './lab-state';

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

  /** Copies CML's view into the record; false (and no change) when nothing differs. */
  syncWith(snapshot: CmlLabSnapshot, now: Date): boolean {
    const next = contentOf(snapshot);
    if (sameContent(this.props, next)) return false;
    this.props = { ...this.props, ...next, lastSyncedAt: now };
    return true;
  }

  toProps(): LabRecordProps {
    return { ...this.props, groups: [...this.props.groups] };
  }
}
