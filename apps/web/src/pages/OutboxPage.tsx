import { useState } from 'react';
import { toProblem, type Problem } from '../api/client';
import { useLoader, useSession } from '../context';
import { formatTime, shortType } from '../components/format';
import { ProblemAlert } from '../components/ProblemAlert';

export function OutboxPage() {
  const { api, can } = useSession();
  const [status, setStatus] = useState<'pending' | 'dead'>('pending');
  const items = useLoader(() => api.listOutbox(status), [api, status]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [note, setNote] = useState<string | null>(null);

  const retry = async (eventId: string) => {
    setProblem(null);
    try {
      await api.retryOutbox(eventId);
      setNote(`Event ${eventId} queued for redelivery.`);
      await items.reload();
    } catch (e) {
      setProblem(toProblem(e));
    }
  };

  return (
    <>
      <div className="page-head">
        <h1 tabIndex={-1}>Outbox</h1>
        <button type="button" onClick={() => void items.reload()} disabled={items.busy}>
          Reload
        </button>
      </div>
      <p className="muted small">
        CloudEvents not yet delivered to a sink: pending (being retried) or dead (gave up).
      </p>
      <div className="tabs" role="radiogroup" aria-label="Outbox status">
        {(['pending', 'dead'] as const).map((s) => (
          <label key={s} className={status === s ? 'tab tab-active' : 'tab'}>
            <input
              type="radio"
              name="outbox-status"
              value={s}
              checked={status === s}
              onChange={() => setStatus(s)}
            />
            {s === 'pending' ? 'Pending' : 'Dead'}
          </label>
        ))}
      </div>
      <div aria-live="polite">{note ? <p className="alert alert-success">{note}</p> : null}</div>
      <ProblemAlert problem={items.error ? toProblem(items.error) : problem} />
      <div className="table-wrap">
        <table aria-busy={items.busy}>
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">Sink</th>
              <th scope="col" className="num">
                Attempts
              </th>
              <th scope="col">Next attempt</th>
              <th scope="col">Last error</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.data?.items.map((i) => (
              <tr key={`${i.eventId}:${i.sink}`}>
                <th scope="row">
                  {shortType(i.type)}
                  <br />
                  <span className="muted small mono">{i.eventId}</span>
                </th>
                <td className="mono">{i.sink}</td>
                <td className="num">{i.attempts}</td>
                <td>{formatTime(i.nextAttemptAt)}</td>
                <td>{i.lastError ?? '—'}</td>
                <td className="actions">
                  {can('admin') ? (
                    <button
                      type="button"
                      onClick={() => void retry(i.eventId)}
                      aria-label={`Retry ${i.eventId}`}
                    >
                      Retry
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
            {items.data?.items.length === 0 ? (
              <tr>
                <td colSpan={6} className="muted">
                  Nothing {status}: every event was delivered.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </>
  );
}
