import { z } from 'zod';
import { CmlHttpError } from './cml-http-error';
import { CML_VERSION_PATTERN } from './simulator-settings';
import { LAB_STATES } from './simulated-lab';

const labState = z.enum(LAB_STATES as ['DEFINED_ON_CORE', 'STOPPED', 'STARTED']);

/** A lab's share with a group: by group `id`, or by group `name` (the simulator fills in the other). */
const groupShare = z
  .strictObject({
    id: z.string().min(1).optional(),
    name: z.string().min(1).optional(),
    permission: z.string().min(1),
  })
  .refine((g) => g.id !== undefined || g.name !== undefined, { message: 'a group needs an id or a name' });

export type GroupShareRequest = z.input<typeof groupShare>;

/** Body of POST /_sim/labs/seed: `owner` is a username; default owner is the first admin. */
export const seedLabsSchema = z.strictObject({
  count: z.number().int().min(0).max(100_000),
  owner: z.string().min(1).optional(),
  state: labState.optional(),
  titlePrefix: z.string().optional(),
  nodeCount: z.number().int().min(0).optional(),
  groups: z.array(groupShare).optional(),
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
  groups: z.array(groupShare).optional(),
});

export type PatchLabRequest = z.input<typeof patchLabSchema>;

/** Body of POST /_sim/users. */
export const addUserSchema = z.strictObject({
  username: z.string().min(1).max(32),
  password: z.string().min(1),
  admin: z.boolean().default(false),
  fullname: z.string().optional(),
  groups: z.array(z.string().min(1)).optional(),
});

export type AddUserRequest = z.input<typeof addUserSchema>;

/** Body of PATCH /_sim/timing: any subset of the transition times. */
export const timingPatchSchema = z.strictObject({
  startMs: z.number().int().min(0).max(3_600_000).optional(),
  stopMs: z.number().int().min(0).max(3_600_000).optional(),
  wipeMs: z.number().int().min(0).max(3_600_000).optional(),
});

export type TimingPatchRequest = z.input<typeof timingPatchSchema>;

/** Body of PATCH /_sim/settings: any subset of the settings. */
export const settingsPatchSchema = z.strictObject({
  version: z.string().regex(CML_VERSION_PATTERN, 'must look like 2.9.0').optional(),
  authExtended: z.boolean().optional(),
  foreignLabStatus: z.union([z.literal(404), z.literal(403)]).optional(),
});

export type SettingsPatchRequest = z.input<typeof settingsPatchSchema>;

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
