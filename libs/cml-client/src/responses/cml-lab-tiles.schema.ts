import { z } from 'zod';
import type { CmlLab } from '../cml-lab.interface';
import type { CmlLabTiles } from '../cml-lab-tiles.interface';
import { normalizeCmlLabId } from '../cml-lab-id.normalizer';
import { cmlLabSchema } from './cml-lab.schema';

/**
 * Validates CML's `GET /populate_lab_tiles` body, `{lab_tiles: {<lab id>: <tile>}}` (the map
 * since CML 2.1). A tile carries the fields of `GET /labs/{id}` plus a topology, which is not read.
 * Each tile is checked like a lab's details; one that fails, or whose id is not its key, is
 * refused alone, so one odd tile costs one detail read instead of the whole shortcut.
 */
export const cmlLabTilesSchema = z
  .object({ lab_tiles: z.record(z.string(), z.unknown()) })
  .transform(({ lab_tiles }): CmlLabTiles => {
    const labs: CmlLab[] = [];
    let refused = 0;
    for (const [key, tile] of Object.entries(lab_tiles)) {
      const lab = cmlLabSchema.safeParse(tile);
      if (lab.success && lab.data.id === normalizeCmlLabId(key)) labs.push(lab.data);
      else refused++;
    }
    return { labs, refused };
  });
