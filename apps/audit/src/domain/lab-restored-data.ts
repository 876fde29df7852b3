import { z } from 'zod';
import { isoTimestamp } from './iso-timestamp';

/** `data` of `<prefix>.lab.restored.v1` (CloudEvents contract v1.2). */
export const labRestoredData = z.object({
  workerId: z.string().min(1),
  labId: z.string().min(1),
  labTitle: z.string(),
  owner: z.string(),
  /** `reconciliation`, or the subject of the admin who restored the record. */
  restoredBy: z.string().min(1),
  removedAt: isoTimestamp,
  occurredAt: isoTimestamp,
});

export type LabRestoredData = z.infer<typeof labRestoredData>;
