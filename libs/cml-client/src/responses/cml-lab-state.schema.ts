import { z } from 'zod';

/** Validates `GET /labs/{id}/state`: the lab state as a bare JSON string, e.g. `"STARTED"`. */
export const cmlLabStateSchema = z.string().regex(/^[A-Z_]{1,40}$/);

/** Validates `GET /labs/{id}/check_if_converged`: a bare JSON boolean. */
export const cmlConvergedSchema = z.boolean();
