import { IEvent } from '@nestjs/cqrs';
import { firstValueFrom, of, toArray } from 'rxjs';
import { LabDeletedEvent } from '../../domain/events/lab-deleted.event';
import { LabOrphanRemovedEvent } from '../../domain/events/lab-orphan-removed.event';
import { DeliverLabEventCommand } from '../commands/deliver-lab-event/deliver-lab-event.command';
import { LabAuditSaga } from './lab-audit.saga';

const W = '11111111-1111-4111-8111-111111111111';
const at = '2026-03-01T00:00:00.000Z';

describe('LabAuditSaga', () => {
  const saga = new LabAuditSaga();
  const commandsFor = (...events: IEvent[]) => firstValueFrom(saga.removals(of(...events)).pipe(toArray()));

  it('asks for the delivery of every removal, by the id of the record that stores its event', async () => {
    const deleted = new LabDeletedEvent('e-1', W, 'lab-1', 'OSPF', 'alice', 'bob', false, at);
    const orphaned = new LabOrphanRemovedEvent(
      'e-2',
      W,
      'lab-2',
      'BGP',
      'carol',
      'scheduled',
      'r-1',
      at,
      {
        listedAt: at,
        confirmedBy: 'lookup-404',
      },
      at,
    );

    await expect(commandsFor(deleted, orphaned)).resolves.toEqual([
      new DeliverLabEventCommand(`${W}:lab-1`),
      new DeliverLabEventCommand(`${W}:lab-2`),
    ]);
  });

  it('ignores every other event', async () => {
    class WorkerRenamedEvent {
      constructor(readonly workerId: string) {}
    }
    await expect(commandsFor(new WorkerRenamedEvent(W), { workerId: W, labId: 'lab-1' })).resolves.toEqual(
      [],
    );
  });
});
