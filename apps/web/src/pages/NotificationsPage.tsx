import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { toProblem, type Problem } from '../api/client';
import { queryKeys } from '../api/queries';
import { useSession } from '../context';
import { formatTime } from '../components/format';
import { ProblemAlert } from '../components/ProblemAlert';
import { DeliveryStatus, DeliveryStatusTabs } from '../components/DeliveryStatusTabs';

/**
 * Chat and e-mail notifications not delivered yet (operator role): pending (being retried) or dead (gave
 * up), and for an admin a Replay of a dead one. The recipient is what the API shows (`channel` or
 * `person:<address>`): webhook URLs and tokens stay in the server's configuration.
 */
export function NotificationsPage() {
  const { api, can } = useSession();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<DeliveryStatus>('pending');
  const items = useQuery({
    queryKey: queryKeys.notificationList(status),
    queryFn: () => api.listNotifications(status),
    placeholderData: keepPreviousData,
  });
  const [problem, setProblem] = useState<Problem | null>(null);
  const [note, setNote] = useState<string | null>(null);

  const replay = useMutation({
    mutationFn: (id: string) => api.retryNotification(id),
    onMutate: () => {
      setProblem(null);
      setNote(null);
    },
    onSuccess: (_, id) => {
      setNote(`Notification ${id} queued for delivery again.`);
      return queryClient.invalidateQueries({ queryKey: queryKeys.notifications });
    },
    onError: (e) => setProblem(toProblem(e)),
  });

  return (
    <>
      <div className="page-head">
        <h1 tabIndex={-1}>Notifications</h1>
        <button type="button" onClick={() => void items.refetch()} disabled={items.isFetching}>
          Reload
        </button>
      </div>
      <p className="muted small">
        Chat and e-mail notifications not yet delivered: pending (being retried) or dead (gave up).
      </p>
      <DeliveryStatusTabs
        label="Notification status"
        name="notification-status"
        status={status}
        onChange={setStatus}
      />
      <div aria-live="polite">{note ? <p className="alert alert-success">{note}</p> : null}</div>
      <ProblemAlert problem={items.error ? toProblem(items.error) : problem} />
      <div className="table-wrap">
        <table aria-busy={items.isFetching}>
          <thead>
            <tr>
              <th scope="col">Notification</th>
              <th scope="col">Provider</th>
              <th scope="col">Recipient</th>
              <th scope="col">Status</th>
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
              <tr key={i.id}>
                <th scope="row">
                  {i.route}
                  <br />
                  <span className="muted small mono">{i.id}</span>
                </th>
                <td>{i.provider}</td>
                <td className="mono">{i.recipient}</td>
                <td>{i.status}</td>
                <td className="num">{i.attempts}</td>
                <td>{i.status === 'pending' ? formatTime(i.nextAttemptAt) : '—'}</td>
                <td>{i.lastError ?? '—'}</td>
                <td className="actions">
                  {i.status === 'dead' && can('admin') ? (
                    <button
                      type="button"
                      onClick={() => replay.mutate(i.id)}
                      disabled={replay.isPending}
                      aria-label={`Replay ${i.id}`}
                    >
                      Replay
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
            {items.data?.items.length === 0 ? (
              <tr>
                <td colSpan={8} className="muted">
                  Nothing {status}: every notification was delivered.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </>
  );
}
