import { ApiSchema } from '@nestjs/swagger';
import type { Answer, SameShape } from '../openapi/same-shape';
import type { NotificationsController } from './notifications.controller';

@ApiSchema({
  name: 'NotificationItem',
  description: 'One notification to one recipient on one provider, not delivered yet (or dead).',
})
export class NotificationItemDto {
  /** Deterministic: the same notification to the same recipient on the same provider. */
  id!: string;
  route!: string;
  /** `webex`, `slack`, `teams` or `email`. */
  provider!: string;
  /** `channel`, or `person:<email>` for an owner. */
  recipient!: string;
  workerId!: string;
  labId!: string | null;
  status!: 'pending' | 'delivered' | 'dead';
  attempts!: number;
  /** How often it was replayed after it was dead. */
  replays!: number;
  nextAttemptAt!: string;
  /** Why the last attempt failed; never a webhook URL, token or password. */
  lastError!: string | null;
  createdAt!: string;
}

@ApiSchema({ name: 'NotificationItemList' })
export class NotificationItemListDto {
  items!: NotificationItemDto[];
}

const _list: SameShape<NotificationItemListDto, Answer<NotificationsController['list']>> = true;
