import { z } from 'zod';
import { CmlHttpError } from './cml-http-error';
import { LAB_STATES } from './simulated-lab';

const labState = z.enum(LAB_STATES as ['DEFINED_ON_CORE', 'STOPPED', 'STARTED']);

/** Body of POST /_sim/labs/seed: `owner` is a username; default owner is the first admin. */
export const seedLabsSchema = z.strictObject({
  count: z.number().int().min(0).max(100_000),
  owner: z.string().min(1).optional(),
  state: labState.optional(),
  titlePrefix: z.string().optional(),
  nodeCount: z.number().int().min(0).optional(),
});

export type SeedLabsRequest = z.input<typeof seedLabsSchema>;

/** Body of PATCH /_sim/labs/{id}: CML field names, so a test can copy them from a lab it just read. */
export const patchLabSchema = z.strictObject({
  lab_title: z.string().optional(),
  lab_description: z.string().optional(),
  lab_notes: z.string().optional(),
  state: labState.optional(),
  owner: z.string().min(1).optional(),
  node_count: z.number().int().min(0).optional(),
  link_count: z.number().int().min(0).optional(),
  groups: z.array(z.strictObject({ id: z.string(), permission: z.string() })).optional(),
});

export type PatchLabRequest = z.input<typeof patchLabSchema>;

/** Validates an admin request body, answering 400 with one line per problem (`path: message; ...`). */
export function parseAdminRequest<T extends z.ZodType>(schema: T, body: unknown, what: string): z.output<T> {
  const result = schema.safeParse(body);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`,
    );
    throw new CmlHttpError(400, `Invalid ${what}: ${problems.join('; ')}`);
  }
  return result.data;
}
