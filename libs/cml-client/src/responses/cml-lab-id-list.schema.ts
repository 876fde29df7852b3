import { z } from 'zod';

/** Validates CML's `GET /labs` body: a plain array of non-empty lab id strings. */
export const cmlLabIdListSchema = z.array(z.string().min(1));
