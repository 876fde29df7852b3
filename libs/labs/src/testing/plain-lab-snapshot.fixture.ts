import { CmlLabSnapshot } from '../domain/cml-lab-snapshot';

/**
 * A wiped lab of alice's numbered `i`, for specs that need many distinct labs and care about
 * nothing else. `series` is the fourth group of the id, so that two spec files on one database
 * never share lab ids.
 */
export function plainLabSnapshot(i: number, series = '8000'): CmlLabSnapshot {
  return {
    id: `00000000-0000-4000-${series}-${String(i).padStart(12, '0')}`,
    state: 'DEFINED_ON_CORE',
    created: '',
    modified: '',
    title: `Lab ${i}`,
    description: '',
    notes: '',
    owner: 'u',
    ownerUsername: 'alice',
    ownerFullname: '',
    nodeCount: 1,
    linkCount: 0,
    groups: [],
  };
}
