import { PendingOrphanFact } from '../domain/notification';
import { DeadDeliveryFacts, LabRemovalFacts, ReconcileFacts } from '../domain/notification-sources';
import { NotificationIntake } from '../application/ports/notification-intake';

/** Keeps every call; `enabled` as the spec needs it; labRemoved fails while `failWith` is set. */
export class RecordingNotificationIntake extends NotificationIntake {
  readonly removals: LabRemovalFacts[] = [];
  readonly reconciles: {
    facts: ReconcileFacts;
    pending: readonly PendingOrphanFact[];
    workerName?: string;
  }[] = [];
  readonly deadDeliveries: DeadDeliveryFacts[] = [];
  failWith: string | null = null;

  constructor(
    readonly enabled = true,
    readonly notifiesRemovals = enabled,
  ) {
    super();
  }

  async labRemoved(facts: LabRemovalFacts): Promise<void> {
    if (this.failWith !== null) throw new Error(this.failWith);
    this.removals.push(facts);
  }

  async reconciled(
    facts: ReconcileFacts,
    pending: readonly PendingOrphanFact[],
    workerName?: string,
  ): Promise<void> {
    this.reconciles.push({ facts, pending, workerName });
  }

  async labEventDead(facts: DeadDeliveryFacts): Promise<void> {
    this.deadDeliveries.push(facts);
  }
}
