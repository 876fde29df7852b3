import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { toProblem, type Problem } from '../api/client';
import { queryKeys } from '../api/queries';
import { useSession } from '../context';
import { formatTime, shortType } from '../components/format';
import { ProblemAlert } from '../components/ProblemAlert';
import { DeliveryStatus, DeliveryStatusTabs } from '../components/DeliveryStatusTabs';

export function OutboxPage() {
  const { api, can } = useSession();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<DeliveryStatus>('pending');
  const items = useQuery({
    queryKey: queryKeys.outboxList(status),
    queryFn: () => api.listOutbox(status),
    placeholderData: keepPreviousData,
  });
  const [problem, setProblem] = useState<Problem | null>(null);
  const [note, setNote] = useState<string | null>(null);

  const retry = useMutation({
    mutationFn: (eventId: string) => api.retryOutbox(eventId),
    onMutate: () => setProblem(null),
    onSuccess: (_, eventId) => {
      setNote(`Event ${eventId} queued for redelivery.`);
      return queryClient.invalidateQueries({ queryKey: queryKeys.outbox });
    },
    onError: (e) => setProblem(toProblem(e)),
  });

  return (
    <>
      <div className="page-head">
        <h1 tabIndex={-1}>Outbox</h1>
        <button type="button" onClick={() => void items.refetch()} disabled={items.isFetching}>
          Reload
        </button>
      </div>
      <p className="muted small">
        CloudEvents not yet delivered to a sink: pending (being retried) or dead (gave up).
      </p>
      <DeliveryStatusTabs label="Outbox status" name="outbox-status" status={status} onChange={setStatus} />
      <div aria-live="polite">{note ? <p className="alert alert-success">{note}</p> : null}</div>
      <ProblemAlert problem={items.error ? toProblem(items.error) : problem} />
      <div className="table-wrap">
        <table aria-busy={items.isFetching}>
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
                      onClick={() => retry.mutate(i.eventId)}
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
