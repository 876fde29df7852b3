import type { CmlLab } from './cml-lab.interface';

/** What `GET /populate_lab_tiles` described: the lab fields of each tile that is a valid lab. */
export interface CmlLabTiles {
  labs: CmlLab[];
  /** Tiles that were no valid lab (or filed under another lab's id): left out, not guessed at. */
  refused: number;
}
