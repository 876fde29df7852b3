import { z } from 'zod';
import { isoTimestamp } from './iso-timestamp';

/** `data` of `<prefix>.lab.orphan_removed.v1` (CloudEvents contract v1). */
export const labOrphanRemovedData = z.object({
  workerId: z.string().min(1),
  labId: z.string().min(1),
  labTitle: z.string(),
  owner: z.string(),
  trigger: z.enum(['manual', 'scheduled']),
  reconciliationId: z.string().min(1),
  lastSeenAt: isoTimestamp,
  evidence: z.object({
    listedAt: isoTimestamp,
    confirmedBy: z.enum(['lookup-404', 'two-observations']),
  }),
  occurredAt: isoTimestamp,
});

export type LabOrphanRemovedData = z.infer<typeof labOrphanRemovedData>;
