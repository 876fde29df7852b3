import type { ReconcileSummary } from '../api/types';
import { formatTime } from './format';
import { StatusBadge } from './StateBadge';

/** A ReconcileSummary: status, why it was skipped or failed, and the counts. */
export function SummaryView({ summary, title }: { summary: ReconcileSummary; title?: string }) {
  const counts: [string, number][] = [
    ['Created', summary.created],
    ['Updated', summary.updated],
    ['Unchanged', summary.unchanged],
    ['Removed', summary.orphansRemoved],
    ['Pending approval', summary.orphansPending],
  ];
  return (
    <section className="summary" aria-label={title ?? 'Reconcile summary'}>
      <p className="summary-head">
        {title ? <strong>{title}: </strong> : null}
        <StatusBadge status={summary.status} /> <span className="muted">{summary.trigger}</span>{' '}
        <span className="muted">
          {formatTime(summary.finishedAt)} · {summary.durationMs} ms
        </span>
      </p>
      {summary.reason ? (
        <p className="summary-reason">
          {summary.status === 'skipped' ? 'Skipped' : 'Reason'}: {summary.reason}
        </p>
      ) : null}
      <dl className="counts">
        {counts.map(([label, value]) => (
          <div
            key={label}
            className={label === 'Pending approval' && value > 0 ? 'count count-warn' : 'count'}
          >
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
