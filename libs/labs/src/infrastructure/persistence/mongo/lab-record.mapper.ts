import { LabRecord, labRecordId } from '../../../domain/lab-record.aggregate';
import { LabState } from '../../../domain/lab-state';
import { LabRecordDocument } from './lab-record.schema';

export function labRecordToDocument(record: LabRecord): LabRecordDocument {
  const p = record.toProps();
  return { _id: labRecordId(p.workerId, p.labId), ...p };
}

export function labRecordFromDocument(doc: LabRecordDocument): LabRecord {
  return LabRecord.restore({
    workerId: doc.workerId,
    labId: doc.labId,
    title: doc.title,
    description: doc.description ?? '',
    notes: doc.notes ?? '',
    state: doc.state as LabState,
    owner: doc.owner ?? '',
    ownerUsername: doc.ownerUsername ?? '',
    ownerFullname: doc.ownerFullname ?? '',
    nodeCount: doc.nodeCount ?? 0,
    linkCount: doc.linkCount ?? 0,
    groups: doc.groups ?? [],
    cmlCreatedAt: doc.cmlCreatedAt ?? null,
    cmlModifiedAt: doc.cmlModifiedAt ?? null,
    firstSeenAt: new Date(doc.firstSeenAt),
    lastSyncedAt: new Date(doc.lastSyncedAt),
    version: doc.version,
  });
}
