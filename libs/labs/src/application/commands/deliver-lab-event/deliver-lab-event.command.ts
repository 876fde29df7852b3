import { Command } from '@nestjs/cqrs';

/** Send the removal event stored in a tombstone now (the fast path; the relay is the safety net). */
export class DeliverLabEventCommand extends Command<void> {
  constructor(readonly recordId: string) {
    super();
  }
}
