import { ApiSchema } from '@nestjs/swagger';
import type { LabsController } from '../labs/labs.controller';
import type { Answer, SameShape } from '../openapi/same-shape';

type ReconcileSummary = Answer<LabsController['refresh']>;

@ApiSchema({
  name: 'ReconcileCandidate',
  description: "A record CML's trusted list left out, with what the reconciliation decided and why.",
})
export class ReconcileCandidateDto {
  labId!: string;
  title!: string;
  owner!: string;
  decision!: ReconcileSummary['candidates'][number]['decision'];
  why!: string;
}

@ApiSchema({ name: 'ReconcileSummary', description: 'What one reconciliation of one worker did.' })
export class ReconcileSummaryDto {
  reconciliationId!: string;
  workerId!: string;
  trigger!: ReconcileSummary['trigger'];
  status!: ReconcileSummary['status'];
  /** `enforce` wrote what it found; `observe` (the worker's reconcileMode) and `dry-run` wrote nothing. */
  mode!: ReconcileSummary['mode'];
  /** Why the run was skipped or failed. */
  reason?: string;
  created!: number;
  updated!: number;
  unchanged!: number;
  orphansRemoved!: number;
  /** Orphans held back by the delete-ratio guard, waiting for an admin's approval. */
  orphansPending!: number;
  /** Removed records CML listed and showed again (details 200): restored, or would be in observe and dry runs. */
  restored!: number;
  /** Every removal candidate (a record the trusted list left out): decision and why. */
  candidates!: ReconcileCandidateDto[];
  startedAt!: string;
  finishedAt!: string;
  durationMs!: number;
}
const _candidate: SameShape<ReconcileCandidateDto, ReconcileSummary['candidates'][number]> = true;
const _summary: SameShape<ReconcileSummaryDto, ReconcileSummary> = true;
const _approved: SameShape<ReconcileSummaryDto, Answer<LabsController['approveOrphans']>> = true;
