import { z } from 'zod';
import { isoTimestamp } from './iso-timestamp';

/** `data` of `<prefix>.lab.deleted.v1` (CloudEvents contract v1). */
export const labDeletedData = z.object({
  workerId: z.string().min(1),
  labId: z.string().min(1),
  labTitle: z.string(),
  owner: z.string(),
  deletedBy: z.string(),
  alreadyAbsentInCml: z.boolean(),
  occurredAt: isoTimestamp,
});

export type LabDeletedData = z.infer<typeof labDeletedData>;
