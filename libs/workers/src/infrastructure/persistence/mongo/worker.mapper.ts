import { ReconcileMode, Worker } from '../../../domain/worker';
import { WorkerDocument } from './worker.schema';

export function workerToDocument(worker: Worker): WorkerDocument {
  const p = worker.toProps();
  return {
    _id: p.id,
    name: p.name,
    nameKey: p.name.toLowerCase(),
    endpoint: p.endpoint,
    username: p.username,
    passwordCiphertext: p.passwordCiphertext,
    verifyTls: p.verifyTls,
    caCertPem: p.caCertPem,
    enabled: p.enabled,
    reconcileMode: p.reconcileMode,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
    version: p.version,
  };
}

export function workerFromDocument(doc: WorkerDocument): Worker {
  return Worker.restore({
    id: doc._id,
    name: doc.name,
    endpoint: doc.endpoint,
    username: doc.username,
    passwordCiphertext: doc.passwordCiphertext,
    verifyTls: doc.verifyTls,
    caCertPem: doc.caCertPem ?? null,
    enabled: doc.enabled,
    reconcileMode: doc.reconcileMode as ReconcileMode,
    createdAt: new Date(doc.createdAt),
    updatedAt: new Date(doc.updatedAt),
    version: doc.version,
  });
}
