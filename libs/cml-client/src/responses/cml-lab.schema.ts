import { z } from 'zod';
import type { CmlLab, CmlLabGroup } from '../cml-lab.interface';
import { normalizeCmlLabId } from '../cml-lab-id.normalizer';

/**
 * Caps on what one lab may bring in. CML's own UI keeps these fields short; a controller sending
 * megabytes of title, or thousands of groups, is broken or hostile, and its lab must still fit in
 * a record, a log line and a notification.
 */
export const CML_LAB_FIELD_LIMITS = {
  title: 256,
  description: 4096,
  notes: 32_768,
  person: 256,
  groups: 100,
} as const;

/** Keeps `value` to `max` characters, marking a cut with an ellipsis. */
export function capText(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}

// A group is reduced to the fields CML documents, as strings: whatever else a controller puts in
// (keys with `$` or `.`, deep nesting) would make the database refuse the record.
const groupSchema = z
  .object({ id: z.string().min(1), permission: z.string().nullish(), name: z.string().nullish() })
  .transform((g): CmlLabGroup => ({
    id: capText(g.id, CML_LAB_FIELD_LIMITS.person),
    permission: capText(g.permission ?? '', 32),
    ...(g.name ? { name: capText(g.name, CML_LAB_FIELD_LIMITS.person) } : {}),
  }));

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
    id: z
      .string()
      .transform((id) => normalizeCmlLabId(id))
      .refine((id): id is string => id !== null),
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
      .transform((value) =>
        (value ?? []).flatMap((g) => {
          const group = groupSchema.safeParse(g);
          return group.success ? [group.data] : [];
        }),
      ),
  })
  .transform((body): CmlLab => ({
    id: body.id,
    state: body.state,
    created: body.created,
    modified: body.modified,
    title: capText(body.lab_title, CML_LAB_FIELD_LIMITS.title),
    description: capText(body.lab_description, CML_LAB_FIELD_LIMITS.description),
    notes: capText(body.lab_notes, CML_LAB_FIELD_LIMITS.notes),
    owner: capText(body.owner, CML_LAB_FIELD_LIMITS.person),
    ownerUsername: capText(body.owner_username, CML_LAB_FIELD_LIMITS.person),
    ownerFullname: capText(body.owner_fullname, CML_LAB_FIELD_LIMITS.person),
    nodeCount: body.node_count,
    linkCount: body.link_count,
    groups: body.groups.slice(0, CML_LAB_FIELD_LIMITS.groups),
  }));
