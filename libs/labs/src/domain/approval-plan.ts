import { CmlLabSnapshot } from './cml-lab-snapshot';
import { LabRecord } from './lab-record.aggregate';
import { ReconcileCandidate } from './reconcile-summary';
import { LabLookup } from './removal-plan';

export interface ApprovalPlan {
  /** CML's own 404: the approval removes them. */
  remove: LabRecord[];
  /** CML answered 200: the lab exists after all; the record is synced and no longer pending. */
  restore: { record: LabRecord; lab: CmlLabSnapshot }[];
  /** The lookup said nothing: they stay pending. */
  stillPending: LabRecord[];
}

/**
 * What an admin's approval of held-back orphans does with each: even approved, a record is
 * removed only on CML's own word that its lab is gone.
 */
export function planApproval(
  pending: readonly LabRecord[],
  lookups: ReadonlyMap<string, LabLookup>,
): ApprovalPlan {
  const plan: ApprovalPlan = { remove: [], restore: [], stillPending: [] };
  for (const record of pending) {
    if (record.isRemoved || !record.pendingOrphan) continue;
    const lookup = lookups.get(record.labId);
    if (lookup?.kind === 'gone') plan.remove.push(record);
    else if (lookup?.kind === 'present') plan.restore.push({ record, lab: lookup.lab });
    else plan.stillPending.push(record);
  }
  return plan;
}

/** The approved orphans as the summary lists them: each with what the approval decided and why. */
export function approvalCandidates(plan: ApprovalPlan): ReconcileCandidate[] {
  const of = (
    record: LabRecord,
    decision: ReconcileCandidate['decision'],
    why: string,
  ): ReconcileCandidate => {
    const { owner, ownerUsername } = record.toProps();
    return { labId: record.labId, title: record.title, owner: ownerUsername || owner, decision, why };
  };
  return [
    ...plan.remove.map((r) =>
      of(r, 'remove', 'approved, and CML answered its own 404 again: removed as lab.orphan_removed'),
    ),
    ...plan.restore.map(({ record }) =>
      of(record, 'keep', 'approved, but its details answered 200: the lab exists after all; kept'),
    ),
    ...plan.stillPending.map((r) =>
      of(r, 'hold', "approved, but its lookup was not CML's own 404: it stays pending"),
    ),
  ];
}
