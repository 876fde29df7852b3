import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { LabState } from '@app/labs';
import type { Answer, SameShape } from '../openapi/same-shape';
import type { LabsController } from './labs.controller';

@ApiSchema({ name: 'Lab', description: 'A lab of the local read model, synced from CML.' })
export class LabViewDto {
  workerId!: string;
  labId!: string;
  title!: string;
  description!: string;
  notes!: string;
  state!: LabState;
  owner!: string;
  ownerUsername!: string;
  ownerFullname!: string;
  nodeCount!: number;
  linkCount!: number;
  /** CML's groups of the lab, as CML returns them. */
  @ApiProperty({ type: 'array', items: {} })
  groups!: unknown[];
  cmlCreatedAt!: string | null;
  cmlModifiedAt!: string | null;
  firstSeenAt!: string;
  lastSyncedAt!: string;
  /** Only in `?removed=true`: when the record was removed. */
  removedAt?: string;
  /** Only in `?removed=true`: how (Phase 1's delete, or Phase 2's orphan removal). */
  @ApiProperty({ enum: ['deleted', 'orphan_removed'], required: false })
  removal?: 'deleted' | 'orphan_removed';
  /** Only in `?removed=true`, for a deleted lab: who deleted it. */
  deletedBy?: string;
}

@ApiSchema({ name: 'LabPage' })
export class LabPageDto {
  items!: LabViewDto[];
  nextCursor!: string | null;
}

@ApiSchema({
  name: 'PendingOrphan',
  description: 'A lab gone from CML, held back by the delete-ratio guard.',
})
export class PendingOrphanDto {
  labId!: string;
  title!: string;
  owner!: string;
  detectedAt!: string;
  lastConfirmedAt!: string;
}

@ApiSchema({ name: 'PendingOrphanList' })
export class PendingOrphanListDto {
  items!: PendingOrphanDto[];
}

@ApiSchema({ name: 'DeleteResult' })
export class DeleteLabResultDto {
  workerId!: string;
  labId!: string;
  @ApiProperty({ enum: ['Lab deleted successfully'] })
  message!: 'Lab deleted successfully';
  alreadyAbsentInCml!: boolean;
  /** False when the local write failed after CML deleted the lab: Phase 2 completes the removal. */
  localRecordRemoved!: boolean;
}

const _lab: SameShape<LabViewDto, Answer<LabsController['get']>> = true;
const _page: SameShape<LabPageDto, Answer<LabsController['list']>> = true;
const _orphans: SameShape<PendingOrphanListDto, Answer<LabsController['pendingOrphans']>> = true;
const _restored: SameShape<LabViewDto, Answer<LabsController['restore']>> = true;
const _deleted: SameShape<DeleteLabResultDto, Answer<LabsController['deleteLab']>> = true;
