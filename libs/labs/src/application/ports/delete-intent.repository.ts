import { DeleteIntent } from '../../domain/delete-intent';

/**
 * Phase 1 deletes in progress, one per lab, kept apart from the lab records so that recording
 * and clearing an intent never changes a record (a failed delete changes nothing locally) and
 * never races Phase 2's version-conditional writes.
 */
export abstract class DeleteIntentRepository {
  /** Stores the intent, replacing an older one of the same lab. */
  abstract record(intent: DeleteIntent): Promise<void>;
  /** Removes this intent (matched by its time), not a newer one of another request. */
  abstract clear(intent: DeleteIntent): Promise<void>;
  /** The intents of these labs of one worker (one query; the collection holds only deletes in flight). */
  abstract findForLabs(workerId: string, labIds: readonly string[]): Promise<DeleteIntent[]>;
}
