export const LAB_STATES = ['DEFINED_ON_CORE', 'STOPPED', 'STARTED'] as const;
export type LabState = (typeof LAB_STATES)[number];

/**
 * CML reports transitional states (QUEUED, BOOTED) too; for the inventory a lab that is queued or
 * booted is running, and the contract promises clients only the three states above.
 */
export function normalizeLabState(cmlState: string): LabState {
  const upper = cmlState.toUpperCase();
  if ((LAB_STATES as readonly string[]).includes(upper)) return upper as LabState;
  if (upper === 'QUEUED' || upper === 'BOOTED') return 'STARTED';
  return 'STOPPED';
}
