import { Worker } from '../api/api-types';
import { ApiError, CliError, ExitWith, OperationFailedError } from '../cli-errors';
import { terminalSafe } from '../output/terminal-text';

/** A worker whose request failed in a command that goes through several workers. */
export interface WorkerFailure {
  workerId: string;
  workerName: string;
  /** The HTTP status, or null when the API was not reached. */
  status: number | null;
  message: string;
}

/** A failure and the error it came from (for the exit code). */
export interface FailedWorker {
  failure: WorkerFailure;
  error: CliError;
}

export function failureOf(worker: Worker, error: CliError): FailedWorker {
  return {
    failure: {
      workerId: worker.id,
      workerName: worker.name,
      status: error instanceof ApiError ? error.status : null,
      message: error.message,
    },
    error,
  };
}

/** The failures as the operator reads them on stderr, one worker a line. */
export function workerFailuresText(failed: readonly FailedWorker[]): string {
  return failed
    .map(
      ({ failure: f }) => `${terminalSafe(f.workerName)}: ${terminalSafe(f.message).replace(/\ufffd/g, ' ')}`,
    )
    .join('\n');
}

/**
 * What a command that went through several workers ends with when some failed: with one worker, its error;
 * when every worker failed the same way (all 403, the API unreachable), that exit code, so it says why;
 * otherwise exit 1, since the others succeeded.
 */
export function outcomeOf(failed: readonly FailedWorker[], attempted: number): CliError {
  if (attempted === 1 && failed.length === 1) return failed[0]!.error;
  const codes = new Set(failed.map((f) => f.error.exitCode));
  if (failed.length === attempted && codes.size === 1) {
    return new ExitWith(failed[0]!.error.exitCode, `All ${attempted} workers failed`);
  }
  return new OperationFailedError(`${failed.length} of ${attempted} workers failed`);
}
