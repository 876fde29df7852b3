import { Command } from '@nestjs/cqrs';
import { ReconcileMode } from '../../../domain/worker';
import { WorkerView } from '../../worker.view';

export interface UpdateWorkerInput {
  name?: string;
  endpoint?: string;
  username?: string;
  password?: string;
  verifyTls?: boolean;
  caCertPem?: string | null;
  enabled?: boolean;
  reconcileMode?: ReconcileMode;
}

export class UpdateWorkerCommand extends Command<WorkerView> {
  constructor(
    readonly workerId: string,
    readonly changes: UpdateWorkerInput,
  ) {
    super();
  }
}
