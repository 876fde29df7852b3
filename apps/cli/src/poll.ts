import { CliError } from './cli-errors';
import { ExitCode } from './exit-codes';

export interface PollOptions<T> {
  /** Reads the current state (a GET). */
  read: () => Promise<T>;
  /** True when the state is final. */
  finished: (state: T) => boolean;
  /** Called with every state read, for progress. */
  onState: (state: T) => void;
  /** Called when a read failed with an unavailable API and will be tried again. */
  onRetry: (error: CliError) => void;
  intervalMs: number;
  /** How long the API may stay unavailable (network, 502/503/504) before the wait gives up. */
  unavailableForMs: number;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

/**
 * Polls until a state is final. A read that fails because the API is unavailable (a restart, the database
 * away: 503 with Retry-After) is tried again until `unavailableForMs` has passed since the last good read: the
 * job or run goes on on the server meanwhile, and the operator's wait should not end on one dropped answer.
 * Any other error ends the wait at once.
 */
export async function pollUntilFinished<T>(options: PollOptions<T>): Promise<T> {
  let lastGood = options.now();
  for (;;) {
    try {
      const state = await options.read();
      lastGood = options.now();
      options.onState(state);
      if (options.finished(state)) return state;
    } catch (error) {
      const transient = error instanceof CliError && error.exitCode === ExitCode.Unavailable;
      if (!transient || options.now() - lastGood >= options.unavailableForMs) throw error;
      options.onRetry(error);
    }
    await options.sleep(options.intervalMs);
  }
}
