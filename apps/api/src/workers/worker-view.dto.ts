import { ApiSchema } from '@nestjs/swagger';
import type { ReconcileMode } from '@app/workers';
import type { Answer, SameShape } from '../openapi/same-shape';
import { ReconcileSummaryDto } from '../reconciliations/reconcile-summary.dto';
import type { WorkersController } from './workers.controller';

@ApiSchema({ name: 'CmlContact', description: 'What the last contact with the CML server learned.' })
export class CmlContactDto {
  /** The version CML's system_information reported, e.g. "2.9.0". */
  version!: string;
  ready!: boolean;
  /** Whether the worker's CML account is an administrator; null when CML did not say. */
  accountIsAdmin!: boolean | null;
  checkedAt!: string;
}

@ApiSchema({ name: 'Worker', description: 'A CML server; its password is never returned.' })
export class WorkerViewDto {
  id!: string;
  name!: string;
  endpoint!: string;
  verifyTls!: boolean;
  enabled!: boolean;
  reconcileMode!: ReconcileMode;
  createdAt!: string;
  updatedAt!: string;
  lastReconcile!: ReconcileSummaryDto | null;
  /** null until the first contact. */
  cml!: CmlContactDto | null;
}

@ApiSchema({ name: 'WorkerPage' })
export class WorkerPageDto {
  items!: WorkerViewDto[];
  nextCursor!: string | null;
}

type Worker = Answer<WorkersController['get']>;
const _contact: SameShape<CmlContactDto, NonNullable<Worker['cml']>> = true;
const _worker: SameShape<WorkerViewDto, Worker> = true;
const _created: SameShape<WorkerViewDto, Answer<WorkersController['register']>> = true;
const _updated: SameShape<WorkerViewDto, Answer<WorkersController['update']>> = true;
const _page: SameShape<WorkerPageDto, Answer<WorkersController['list']>> = true;
