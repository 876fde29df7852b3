import { Query } from '@nestjs/cqrs';

export interface PendingOrphanView {
  labId: string;
  title: string;
  owner: string;
  detectedAt: string;
  lastConfirmedAt: string;
}

export class ListPendingOrphansQuery extends Query<{ items: PendingOrphanView[] }> {
  constructor(readonly workerId: string) {
    super();
  }
}
