import { z } from 'zod';
import { isoTimestamp } from './iso-timestamp';
import { LabAuditEvent } from './lab-audit-event';
import { labDeletedData } from './lab-deleted-data';
import { labEventKindOf } from './lab-event-kind';
import { labOrphanRemovedData } from './lab-orphan-removed-data';
import { labRestoredData } from './lab-restored-data';

export interface EventFieldError {
  field: string;
  message: string;
}

export type ParsedLabAuditEvent =
  { ok: true; event: LabAuditEvent } | { ok: false; errors: EventFieldError[] };

const TYPE_MESSAGE = 'must end in .lab.deleted.v1, .lab.orphan_removed.v1 or .lab.restored.v1';

const envelope = z.object({
  specversion: z.literal('1.0', { error: 'must be 1.0' }),
  id: z.string({ error: 'is required' }).min(1, 'is required').max(512),
  // A URI-reference (CloudEvents): `|` is no URI character (RFC 3986), and refusing it keeps the stored
  // key `${source}|${id}` one-to-one (the first `|` ends the source).
  source: z
    .string({ error: 'is required' })
    .min(1, 'is required')
    .max(1024)
    .refine((s) => !s.includes('|'), 'must be a URI-reference: "|" is not allowed'),
  type: z.string({ error: 'is required' }).refine((t) => labEventKindOf(t) !== null, TYPE_MESSAGE),
  subject: z.string().max(1024).optional(),
  time: isoTimestamp,
  workerid: z.string().optional(),
  labid: z.string().optional(),
  data: z.record(z.string(), z.unknown(), { error: 'must be a JSON object' }),
});

function errorsOf(error: z.ZodError, prefix = ''): EventFieldError[] {
  return error.issues.map((issue) => ({
    field: [prefix, ...issue.path.map(String)].filter((p) => p !== '').join('.') || '(event)',
    message: issue.message,
  }));
}

/**
 * Checks the attributes of a received CloudEvent against the contract (v1) and returns the
 * audit event, or every problem found. `data` is checked per type; what is kept is the parsed
 * data, so fields the contract does not know never reach the store.
 */
export function parseLabAuditEvent(attributes: Record<string, unknown>): ParsedLabAuditEvent {
  const head = envelope.safeParse(attributes);
  if (!head.success) return { ok: false, errors: errorsOf(head.error) };
  const e = head.data;
  const kind = labEventKindOf(e.type);
  if (kind === null) return { ok: false, errors: [{ field: 'type', message: TYPE_MESSAGE }] };
  const base = {
    source: e.source,
    id: e.id,
    type: e.type,
    subject: e.subject ?? null,
    time: new Date(e.time).toISOString(),
  };

  let event: LabAuditEvent;
  if (kind === 'lab.deleted') {
    const data = labDeletedData.safeParse(e.data);
    if (!data.success) return { ok: false, errors: errorsOf(data.error, 'data') };
    event = { ...base, kind, workerId: data.data.workerId, labId: data.data.labId, data: data.data };
  } else if (kind === 'lab.restored') {
    const data = labRestoredData.safeParse(e.data);
    if (!data.success) return { ok: false, errors: errorsOf(data.error, 'data') };
    event = { ...base, kind, workerId: data.data.workerId, labId: data.data.labId, data: data.data };
  } else {
    const data = labOrphanRemovedData.safeParse(e.data);
    if (!data.success) return { ok: false, errors: errorsOf(data.error, 'data') };
    event = { ...base, kind, workerId: data.data.workerId, labId: data.data.labId, data: data.data };
  }

  // The extensions exist so that routers can filter without reading data; a mismatch means the
  // producer is broken, and storing either value would put the event under the wrong lab.
  const mismatches: EventFieldError[] = [];
  if (e.workerid !== undefined && e.workerid !== event.workerId) {
    mismatches.push({ field: 'workerid', message: 'must equal data.workerId' });
  }
  if (e.labid !== undefined && e.labid !== event.labId) {
    mismatches.push({ field: 'labid', message: 'must equal data.labId' });
  }
  if (mismatches.length > 0) return { ok: false, errors: mismatches };
  return { ok: true, event };
}
