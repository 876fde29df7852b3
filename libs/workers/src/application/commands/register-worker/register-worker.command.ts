import { Command } from '@nestjs/cqrs';
import { ReconcileMode } from '../../../domain/worker';
import { WorkerView } from '../../worker.view';

export interface RegisterWorkerInput {
  name: string;
  endpoint: string;
  username: string;
  password: string;
  verifyTls?: boolean;
  caCertPem?: string | null;
  enabled?: boolean;
  reconcileMode?: ReconcileMode;
}

export class RegisterWorkerCommand extends Command<WorkerView> {
  constructor(readonly input: RegisterWorkerInput) {
    super();
  }
}
