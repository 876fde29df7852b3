import { Command } from '@nestjs/cqrs';
import { LabView } from '../../lab.view';

/** An admin brings a removed record back: only when CML answers 200 for the lab. */
export class RestoreLabCommand extends Command<LabView> {
  constructor(
    readonly workerId: string,
    readonly labId: string,
    /** The admin's subject: the event's `restoredBy`. */
    readonly restoredBy: string,
    /** W3C traceparent of the request, carried into the lab.restored CloudEvent. */
    readonly traceparent?: string,
  ) {
    super();
  }
}
