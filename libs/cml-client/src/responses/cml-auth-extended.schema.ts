import { z } from 'zod';
import { cmlTokenSchema } from './cml-token.schema';

/** Validates CML's `POST /auth_extended` body: `{username, id, token, admin, error}`. */
export const cmlAuthExtendedSchema = z
  .object({
    username: z.string().min(1),
    id: z.string().min(1).nullish(),
    token: cmlTokenSchema,
    admin: z.boolean(),
  })
  .transform((body) => ({
    token: body.token,
    account: { username: body.username, userId: body.id ?? null, admin: body.admin },
  }));
