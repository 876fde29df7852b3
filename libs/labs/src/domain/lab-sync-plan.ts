import { CmlLabSnapshot } from './cml-lab-snapshot';
import { LabRecord } from './lab-record.aggregate';

export interface LabSyncPlan {
  /** Labs CML has and we do not: new records (version 0). */
  toCreate: LabRecord[];
  /** Records whose CML data changed, already carrying the new content; `expectedVersion` is what was read. */
  toUpdate: { record: LabRecord; expectedVersion: number }[];
  unchanged: number;
  /** Records of labs that the CML details did not include: candidates only, never removed by the diff. */
  notInSnapshot: LabRecord[];
}

/**
 * Pure diff between the local records of one worker and the lab details fetched from CML. It
 * decides what to write and nothing else; what is absent is only reported, because whether an
 * absent lab is really gone is a question about the evidence, not about the diff.
 */
export function planLabSync(
  workerId: string,
  existing: LabRecord[],
  snapshots: CmlLabSnapshot[],
  now: Date,
): LabSyncPlan {
  const byLabId = new Map(existing.map((r) => [r.labId, r]));
  const plan: LabSyncPlan = { toCreate: [], toUpdate: [], unchanged: 0, notInSnapshot: [] };
  const seen = new Set<string>();
  for (const snapshot of snapshots) {
    if (seen.has(snapshot.id)) continue;
    seen.add(snapshot.id);
    const record = byLabId.get(snapshot.id);
    // A tombstone wins over any list: the lab was deleted, so a listing of it is stale.
    if (record?.isRemoved) continue;
    if (!record) {
      plan.toCreate.push(LabRecord.discovered(workerId, snapshot, now));
      continue;
    }
    const expectedVersion = record.version;
    if (record.syncWith(snapshot, now)) plan.toUpdate.push({ record, expectedVersion });
    else plan.unchanged++;
  }
  for (const record of existing)
    if (!record.isRemoved && !seen.has(record.labId)) plan.notInSnapshot.push(record);
  return plan;
}
