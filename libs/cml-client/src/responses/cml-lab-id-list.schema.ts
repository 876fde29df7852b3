import { z } from 'zod';
import type { CmlLabIdList } from '../cml-lab-id-list.interface';
import { normalizeCmlLabId } from '../cml-lab-id.normalizer';

/** How many refused entries are kept for the report; the count says how many there were. */
const MAX_REFUSED_SHOWN = 20;

/**
 * Validates CML's `GET /labs` body: an array of lab ids. Entries that are not lab ids are refused
 * one by one (and reported) rather than failing the list, so that one bad entry cannot stop a
 * worker's sync; anything but an array is a bad response.
 */
export const cmlLabIdListSchema = z.array(z.unknown()).transform((entries): CmlLabIdList => {
  const ids = new Set<string>();
  const refused: string[] = [];
  for (const entry of entries) {
    const id = normalizeCmlLabId(entry);
    if (id) ids.add(id);
    else refused.push(JSON.stringify(entry)?.slice(0, 80) ?? String(entry));
  }
  const shown = refused.slice(0, MAX_REFUSED_SHOWN);
  if (refused.length > shown.length) shown.push(`… and ${refused.length - shown.length} more`);
  return { ids: [...ids], refused: shown };
});
