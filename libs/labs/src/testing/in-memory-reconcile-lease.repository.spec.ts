import { InMemoryReconcileLeaseRepository } from './in-memory-reconcile-lease.repository';
import { reconcileLeaseRepositoryContract } from './reconcile-lease-repository.contract';

describe('InMemoryReconcileLeaseRepository: the ReconcileLeaseRepository contract', () => {
  reconcileLeaseRepositoryContract(() => new InMemoryReconcileLeaseRepository());
});
