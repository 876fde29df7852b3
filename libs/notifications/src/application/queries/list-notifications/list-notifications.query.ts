import { Query } from '@nestjs/cqrs';

/** One delivery as GET /api/notifications shows it: no secret, the recipient as `channel` or `person:<address>`. */
export interface NotificationView {
  id: string;
  route: string;
  provider: string;
  recipient: string;
  workerId: string;
  labId: string | null;
  status: 'pending' | 'delivered' | 'dead';
  attempts: number;
  replays: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
}

export class ListNotificationsQuery extends Query<{ items: NotificationView[] }> {
  constructor(readonly status: 'pending' | 'dead') {
    super();
  }
}
