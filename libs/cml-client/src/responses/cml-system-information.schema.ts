import { z } from 'zod';
import type { CmlSystemInformation } from '../cml-system-information.interface';

/** Validates CML's `GET /system_information` body, keeping only the fields we rely on. */
export const cmlSystemInformationSchema = z
  .object({ version: z.string().min(1), ready: z.boolean() })
  .transform((body): CmlSystemInformation => ({ version: body.version, ready: body.ready }));
