import { ReconcileMode, Worker } from '../domain/worker';

/**
 * The worker's settings as the HTTP contract shows them; the API adds the labs context's sync
 * state (`lastReconcile`, `cml`). Credentials are deliberately absent.
 */
export interface WorkerView {
  id: string;
  name: string;
  endpoint: string;
  verifyTls: boolean;
  enabled: boolean;
  reconcileMode: ReconcileMode;
  createdAt: string;
  updatedAt: string;
}

export function toWorkerView(worker: Worker): WorkerView {
  const p = worker.toProps();
  return {
    id: p.id,
    name: p.name,
    endpoint: p.endpoint,
    verifyTls: p.verifyTls,
    enabled: p.enabled,
    reconcileMode: p.reconcileMode,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}
