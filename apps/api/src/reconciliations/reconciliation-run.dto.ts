import { ApiSchema } from '@nestjs/swagger';
import type { Answer, SameShape } from '../openapi/same-shape';
import { ReconcileSummaryDto } from './reconcile-summary.dto';
import type { ReconciliationsController } from './reconciliations.controller';

type ReconciliationRun = Answer<ReconciliationsController['get']>;

@ApiSchema({ name: 'ReconciliationRun', description: 'One reconciliation of all enabled workers.' })
export class ReconciliationRunDto {
  id!: string;
  trigger!: ReconciliationRun['trigger'];
  /** `failed` when the run itself broke off; each worker's own outcome is in its summary. */
  status!: ReconciliationRun['status'];
  startedAt!: string;
  /** null while it runs. */
  finishedAt!: string | null;
  /** The enabled workers this run reconciles. */
  workersTotal!: number;
  /** How many of them are done so far. */
  workersDone!: number;
  workers!: ReconcileSummaryDto[];
}

@ApiSchema({ name: 'ReconciliationRunList' })
export class ReconciliationRunListDto {
  /** Newest first. */
  items!: ReconciliationRunDto[];
}

@ApiSchema({ name: 'ReconciliationStarted' })
export class ReconciliationStartedDto {
  reconciliationId!: string;
}

const _run: SameShape<ReconciliationRunDto, ReconciliationRun> = true;
const _list: SameShape<ReconciliationRunListDto, Answer<ReconciliationsController['list']>> = true;
const _started: SameShape<ReconciliationStartedDto, Answer<ReconciliationsController['start']>> = true;
