import { LabAuditEvent } from '../domain/lab-audit-event';
import { LabDeletedData } from '../domain/lab-deleted-data';
import { LabOrphanRemovedData } from '../domain/lab-orphan-removed-data';

export const DELETED_TYPE = 'io.cml-labs.lab.deleted.v1';
export const ORPHAN_REMOVED_TYPE = 'io.cml-labs.lab.orphan_removed.v1';

interface EventOptions {
  id?: string;
  source?: string;
  workerId?: string;
  labId?: string;
  /** ISO 8601 UTC, as parseLabAuditEvent normalises it. */
  time?: string;
}

function base(kindSuffix: string, opts: EventOptions) {
  const workerId = opts.workerId ?? 'w-1';
  const labId = opts.labId ?? 'l-1';
  const time = opts.time ?? '2024-05-01T10:00:00.000Z';
  return {
    source: opts.source ?? `/cml-labs/workers/${workerId}`,
    id: opts.id ?? `${kindSuffix}-${workerId}-${labId}-${time}`,
    subject: `labs/${labId}`,
    time,
    workerId,
    labId,
  };
}

/** A lab.deleted event as parseLabAuditEvent returns it for a valid CloudEvent. */
export function aDeletedEvent(
  opts: EventOptions = {},
  data: Partial<LabDeletedData> = {},
): Extract<LabAuditEvent, { kind: 'lab.deleted' }> {
  const head = base('deleted', opts);
  return {
    ...head,
    kind: 'lab.deleted',
    type: DELETED_TYPE,
    data: {
      workerId: head.workerId,
      labId: head.labId,
      labTitle: 'BGP lab',
      owner: 'alice',
      deletedBy: 'bob',
      alreadyAbsentInCml: false,
      occurredAt: head.time,
      ...data,
    },
  };
}

/** A lab.orphan_removed event as parseLabAuditEvent returns it for a valid CloudEvent. */
export function anOrphanRemovedEvent(
  opts: EventOptions = {},
  data: Partial<LabOrphanRemovedData> = {},
): Extract<LabAuditEvent, { kind: 'lab.orphan_removed' }> {
  const head = base('orphan', opts);
  return {
    ...head,
    kind: 'lab.orphan_removed',
    type: ORPHAN_REMOVED_TYPE,
    data: {
      workerId: head.workerId,
      labId: head.labId,
      labTitle: 'OSPF lab',
      owner: 'carol',
      trigger: 'scheduled',
      reconciliationId: 'r-1',
      lastSeenAt: head.time,
      evidence: { listedAt: head.time, confirmedBy: 'lookup-404' },
      occurredAt: head.time,
      ...data,
    },
  };
}
