import { CmlLab } from '@app/cml-client';
import { CmlLabSnapshot } from '../domain/cml-lab-snapshot';

/** The one place where the CML client's lab becomes the labs context's snapshot of it. */
export function toLabSnapshot(lab: CmlLab): CmlLabSnapshot {
  return {
    id: lab.id,
    state: lab.state,
    created: lab.created,
    modified: lab.modified,
    title: lab.title,
    description: lab.description,
    notes: lab.notes,
    owner: lab.owner,
    ownerUsername: lab.ownerUsername,
    ownerFullname: lab.ownerFullname,
    nodeCount: lab.nodeCount,
    linkCount: lab.linkCount,
    groups: lab.groups.map((g) => ({ ...g })),
  };
}
