import type { ReconcileCandidate, ReconcileSummary } from '../api/types';
import { formatTime } from './format';
import { StatusBadge } from './StateBadge';

/** A run with thousands of candidates (a CML that lost its labs) stays readable: the first ones are shown. */
export const CANDIDATES_SHOWN = 100;

const DECISION_LABEL: Record<ReconcileCandidate['decision'], string> = {
  remove: 'Remove',
  hold: 'Hold for approval',
  keep: 'Keep',
};

/**
 * A ReconcileSummary: status, why it was skipped or failed, the counts, and every removal candidate
 * with the decision and why (for a dry run, what a refresh would do).
 */
export function SummaryView({ summary, title }: { summary: ReconcileSummary; title?: string }) {
  const counts: [string, number][] = [
    ['Created', summary.created],
    ['Updated', summary.updated],
    ['Unchanged', summary.unchanged],
    ['Removed', summary.orphansRemoved],
    ['Pending approval', summary.orphansPending],
    ['Restored', summary.restored],
  ];
  const candidates = summary.candidates ?? [];
  const label = title ?? 'Reconcile summary';
  return (
    <section className="summary" aria-label={label}>
      <p className="summary-head">
        {title ? <strong>{title}: </strong> : null}
        <StatusBadge status={summary.status} /> <span className="muted">{summary.trigger}</span>{' '}
        {summary.mode !== 'enforce' ? <span className="muted">({summary.mode}) </span> : null}
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
      {candidates.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption>Removal candidates: labs CML&apos;s list left out</caption>
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Owner</th>
                <th scope="col">Decision</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {candidates.slice(0, CANDIDATES_SHOWN).map((c) => (
                <tr key={c.labId} data-candidate={c.labId}>
                  <th scope="row">
                    {c.title}
                    <br />
                    <span className="muted small mono">{c.labId}</span>
                  </th>
                  <td>{c.owner}</td>
                  <td>
                    <span className={`badge decision-${c.decision}`}>{DECISION_LABEL[c.decision]}</span>
                  </td>
                  <td>{c.why}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {candidates.length > CANDIDATES_SHOWN ? (
            <p className="muted small">
              {candidates.length - CANDIDATES_SHOWN} more candidates not shown ({candidates.length} in all).
            </p>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
