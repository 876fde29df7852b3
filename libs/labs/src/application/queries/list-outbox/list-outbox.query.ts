import { Query } from '@nestjs/cqrs';

export interface OutboxItemView {
  eventId: string;
  type: string;
  workerId: string;
  labId: string;
  sink: string;
  status: 'pending' | 'delivered' | 'dead';
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
}

export class ListOutboxQuery extends Query<{ items: OutboxItemView[] }> {
  constructor(readonly status: 'pending' | 'dead') {
    super();
  }
}
