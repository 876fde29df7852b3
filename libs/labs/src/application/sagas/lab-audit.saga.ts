import { Injectable } from '@nestjs/common';
import { ICommand, IEvent, ofType, Saga } from '@nestjs/cqrs';
import { map, Observable } from 'rxjs';
import { LabDeletedEvent } from '../../domain/events/lab-deleted.event';
import { LabOrphanRemovedEvent } from '../../domain/events/lab-orphan-removed.event';
import { LabRestoredEvent } from '../../domain/events/lab-restored.event';
import { labRecordId } from '../../domain/lab-record.aggregate';
import { DeliverLabEventCommand } from '../commands/deliver-lab-event/deliver-lab-event.command';

/**
 * The fast path of the audit trail: once a removal or a restore is stored (with its event, in the same
 * write), send the event at once. Nothing depends on this running: the outbox relay sends
 * whatever is still pending, after a crash too.
 */
@Injectable()
export class LabAuditSaga {
  @Saga()
  removals = (events$: Observable<IEvent>): Observable<ICommand> =>
    events$.pipe(
      ofType(LabDeletedEvent, LabOrphanRemovedEvent, LabRestoredEvent),
      map((event) => new DeliverLabEventCommand(labRecordId(event.workerId, event.labId))),
    );
}
