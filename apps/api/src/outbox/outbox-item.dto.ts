import { ApiSchema } from '@nestjs/swagger';
import type { Answer, SameShape } from '../openapi/same-shape';
import type { OutboxController } from './outbox.controller';

@ApiSchema({ name: 'OutboxItem', description: 'A CloudEvent not yet delivered to one sink.' })
export class OutboxItemDto {
  eventId!: string;
  /** The domain's event type, e.g. `lab.deleted`. */
  type!: string;
  workerId!: string;
  labId!: string;
  sink!: string;
  status!: 'pending' | 'delivered' | 'dead';
  attempts!: number;
  nextAttemptAt!: string;
  lastError!: string | null;
}

@ApiSchema({ name: 'OutboxItemList' })
export class OutboxItemListDto {
  items!: OutboxItemDto[];
}

const _list: SameShape<OutboxItemListDto, Answer<OutboxController['list']>> = true;
