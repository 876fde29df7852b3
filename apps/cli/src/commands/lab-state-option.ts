import { LAB_STATES, LabState } from '../api/api-types';
import { UsageError } from '../cli-errors';

/** `--state started` or `--state STARTED`: one of CML's lab states, any case. */
export function parseLabState(text: string | undefined): LabState | undefined {
  if (text === undefined) return undefined;
  const state = text.trim().toUpperCase();
  if (!(LAB_STATES as readonly string[]).includes(state)) {
    throw new UsageError(`--state must be one of ${LAB_STATES.join(', ')}, not ${JSON.stringify(text)}`);
  }
  return state as LabState;
}
