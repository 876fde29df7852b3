import { z } from 'zod';

/**
 * Validates the body of `POST /authenticate`: a JSON string. The token goes into an HTTP header,
 * so anything but printable, space-free ASCII is rejected here rather than by Node later.
 */
export const cmlTokenSchema = z.string().regex(/^[\x21-\x7e]+$/);
