import { CmlContact } from '../domain/cml-contact';
import { ReconcileSummary } from '../domain/reconcile-summary';
import { ReconcileMode, Worker } from '../domain/worker';

/** The Worker of the HTTP contract. Credentials are deliberately absent. */
export interface WorkerView {
  id: string;
  name: string;
  endpoint: string;
  verifyTls: boolean;
  enabled: boolean;
  reconcileMode: ReconcileMode;
  createdAt: string;
  updatedAt: string;
  lastReconcile: ReconcileSummary | null;
  cml: CmlContact | null;
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
    lastReconcile: p.lastReconcile,
    cml: p.cml,
  };
}
