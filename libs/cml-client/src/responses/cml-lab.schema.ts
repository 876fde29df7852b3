import { z } from 'zod';
import type { CmlLab } from '../cml-lab.interface';

// Optional text fields: older CML releases send null or omit them; both mean "empty".
const optionalText = z
  .string()
  .nullish()
  .transform((value) => value ?? '');

// Counts are missing on some CML 2.x builds when the lab is empty; anything else must be a count.
const optionalCount = z
  .number()
  .int()
  .nonnegative()
  .nullish()
  .transform((value) => value ?? 0);

/** Validates CML's `GET /labs/{id}` body and converts it to {@link CmlLab}. */
export const cmlLabSchema = z
  .object({
    id: z.string().min(1),
    state: z.string().min(1),
    created: z.string().min(1),
    modified: z.string().min(1),
    lab_title: z.string(),
    lab_description: optionalText,
    lab_notes: optionalText,
    owner: optionalText,
    owner_username: optionalText,
    owner_fullname: optionalText,
    node_count: optionalCount,
    link_count: optionalCount,
    groups: z
      .array(z.unknown())
      .nullish()
      .transform((value) => value ?? []),
  })
  .transform((body): CmlLab => ({
    id: body.id,
    state: body.state,
    created: body.created,
    modified: body.modified,
    title: body.lab_title,
    description: body.lab_description,
    notes: body.lab_notes,
    owner: body.owner,
    ownerUsername: body.owner_username,
    ownerFullname: body.owner_fullname,
    nodeCount: body.node_count,
    linkCount: body.link_count,
    groups: body.groups,
  }));
