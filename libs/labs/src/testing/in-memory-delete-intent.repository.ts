import { DeleteIntentRepository } from '../application/ports/delete-intent.repository';
import { DeleteIntent } from '../domain/delete-intent';
import { labRecordId } from '../domain/lab-record.aggregate';

function copy(intent: DeleteIntent): DeleteIntent {
  const { workerId, labId, by, at, force, traceparent } = intent;
  return { workerId, labId, by, at: new Date(at), force, ...(traceparent ? { traceparent } : {}) };
}

/**
 * DeleteIntentRepository without a database, as MongoDeleteIntentRepository keeps it: one intent
 * per lab record id, a new one replacing the old; `clear` removes only the intent of the same
 * time, never a newer one of another request.
 */
export class InMemoryDeleteIntentRepository extends DeleteIntentRepository {
  /** The stored intents by lab record id (`${workerId}:${labId}`). */
  readonly intents = new Map<string, DeleteIntent>();
  /** When set, every call throws this (a database that is down). */
  failWith: Error | null = null;

  async record(intent: DeleteIntent): Promise<void> {
    this.check();
    this.intents.set(labRecordId(intent.workerId, intent.labId), copy(intent));
  }

  async clear(intent: DeleteIntent): Promise<void> {
    this.check();
    const id = labRecordId(intent.workerId, intent.labId);
    if (this.intents.get(id)?.at.getTime() === intent.at.getTime()) this.intents.delete(id);
  }

  async findForLabs(workerId: string, labIds: readonly string[]): Promise<DeleteIntent[]> {
    this.check();
    const wanted = new Set(labIds.map((labId) => labRecordId(workerId, labId)));
    return [...this.intents].filter(([id]) => wanted.has(id)).map(([, intent]) => copy(intent));
  }

  /** Every stored intent, copied. */
  all(): DeleteIntent[] {
    return [...this.intents.values()].map(copy);
  }

  private check(): void {
    if (this.failWith) throw this.failWith;
  }
}
