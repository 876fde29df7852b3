import { ReconcileCandidate, ReconcileSummary } from '../api/api-types';
import { Style } from '../output/style';
import { formatTable } from '../output/table';

/** One line per worker's summary: its status and counts, and why it was skipped or failed. */
export function summaryTable(
  summaries: readonly ReconcileSummary[],
  nameOf: (workerId: string) => string,
  style: Style,
  preview: boolean,
): string {
  return formatTable<ReconcileSummary>(
    [
      { header: 'WORKER', value: (s) => nameOf(s.workerId) },
      { header: 'STATUS', value: (s) => s.status, paint: (text) => style.status(text) },
      { header: 'MODE', value: (s) => s.mode },
      { header: 'CREATED', value: (s) => s.created, numeric: true },
      { header: 'UPDATED', value: (s) => s.updated, numeric: true },
      { header: 'UNCHANGED', value: (s) => s.unchanged, numeric: true },
      { header: preview ? 'TO REMOVE' : 'REMOVED', value: (s) => s.orphansRemoved, numeric: true },
      { header: preview ? 'TO HOLD' : 'PENDING', value: (s) => s.orphansPending, numeric: true },
      { header: 'REASON', value: (s) => s.reason },
    ],
    summaries,
  );
}

/** Every removal candidate of the summaries, with the decision and why; '' when the API sent none. */
export function candidatesTable(
  summaries: readonly ReconcileSummary[],
  nameOf: (workerId: string) => string,
  style: Style,
): string {
  const rows = summaries.flatMap((s) => (s.candidates ?? []).map((c) => ({ workerId: s.workerId, ...c })));
  if (rows.length === 0) return '';
  const tone = (decision: ReconcileCandidate['decision']) =>
    decision === 'remove' ? 'bad' : decision === 'hold' ? 'warn' : 'good';
  return formatTable<ReconcileCandidate & { workerId: string }>(
    [
      { header: 'WORKER', value: (c) => nameOf(c.workerId) },
      { header: 'LAB ID', value: (c) => c.labId },
      { header: 'TITLE', value: (c) => c.title },
      { header: 'OWNER', value: (c) => c.owner },
      {
        header: 'DECISION',
        value: (c) => c.decision,
        paint: (text, c) => style.paint(text, tone(c.decision)),
      },
      { header: 'WHY', value: (c) => c.why },
    ],
    rows,
  );
}
