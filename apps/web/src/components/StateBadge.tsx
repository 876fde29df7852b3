import type { LabState } from '../api/types';

const LABELS: Record<LabState, string> = {
  STARTED: 'Started',
  STOPPED: 'Stopped',
  DEFINED_ON_CORE: 'Wiped',
};

export function StateBadge({ state }: { state: LabState }) {
  return (
    <span className={`badge badge-${state.toLowerCase()}`} title={state}>
      {LABELS[state] ?? state}
    </span>
  );
}

export function StatusBadge({ status }: { status: 'succeeded' | 'skipped' | 'failed' | string }) {
  return <span className={`badge badge-status-${status}`}>{status}</span>;
}
