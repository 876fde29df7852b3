import { z } from 'zod';

/** An RFC 3339 timestamp with a zone (Z or an offset), as the contract's producers write them. */
export const isoTimestamp = z.iso.datetime({ offset: true, error: 'must be an RFC 3339 timestamp' });
