import { ApplicationError, isDatabaseUnavailableError } from '@app/common';
import { BulkDeleteFailure } from '../../domain/bulk-delete/bulk-delete-job';

/**
 * What a failed Phase 1 delete of a job's lab is recorded as: the HTTP status and problem detail
 * that `DELETE /api/workers/:workerId/labs/:labId` would have answered, so a job's `failed` reads as
 * the single deletes would have.
 */
export function bulkDeleteFailureOf(error: unknown): BulkDeleteFailure {
  if (error instanceof ApplicationError) return { status: error.status, detail: error.message };
  if (isDatabaseUnavailableError(error)) {
    return { status: 503, detail: 'The database could not be reached; nothing was changed for this lab' };
  }
  // As the API's 500: nothing of the internals (the error is logged).
  return { status: 500, detail: 'The delete failed unexpectedly; see the service log' };
}
