import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { toProblem } from '../api/client';
import { queryKeys } from '../api/queries';
import { useSession } from '../context';
import { formatTime } from '../components/format';
import { ProblemAlert } from '../components/ProblemAlert';

/**
 * The worker's removed records (kept as tombstones until their retention ends), read only when the
 * panel is opened. An admin restores one: the API asks CML first, and refuses (409) when CML does
 * not have the lab.
 */
export function RemovedPanel({ workerId }: { workerId: string }) {
  const { api, can } = useSession();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [restoredTitle, setRestoredTitle] = useState<string | null>(null);
  const removed = useQuery({
    queryKey: queryKeys.removed(workerId),
    queryFn: () => api.listRemovedLabs(workerId),
    enabled: open,
  });
  const restore = useMutation({
    mutationFn: (labId: string) => api.restoreLab(workerId, labId),
    onMutate: () => setRestoredTitle(null),
    onSuccess: (lab) => {
      setRestoredTitle(lab.title);
      return queryClient.invalidateQueries({ queryKey: queryKeys.labs(workerId) });
    },
  });
  const items = removed.data?.items ?? [];

  return (
    <section className="panel" aria-labelledby="removed-title">
      <details onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
        <summary>
          <h2 id="removed-title" className="inline">
            Removed
          </h2>{' '}
          <span className="muted">records removed from this worker, kept for a while</span>
        </summary>
        <div aria-live="polite">
          {restoredTitle ? <p className="alert alert-success">Restored {restoredTitle}.</p> : null}
        </div>
        <ProblemAlert
          problem={removed.error ? toProblem(removed.error) : restore.error ? toProblem(restore.error) : null}
        />
        {removed.data && items.length === 0 ? <p className="muted">No removed records.</p> : null}
        {items.length > 0 ? (
          <div className="table-wrap">
            <table aria-busy={removed.isFetching}>
              <caption className="sr-only">Removed records of this worker</caption>
              <thead>
                <tr>
                  <th scope="col">Title</th>
                  <th scope="col">Owner</th>
                  <th scope="col">Removed</th>
                  <th scope="col">How</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((lab) => (
                  <tr key={lab.labId} data-removed-lab-id={lab.labId}>
                    <th scope="row">
                      {lab.title}
                      <br />
                      <span className="muted small mono">{lab.labId}</span>
                    </th>
                    <td>{lab.ownerUsername || lab.owner}</td>
                    <td>{lab.removedAt ? formatTime(lab.removedAt) : ''}</td>
                    <td>
                      {lab.removal === 'deleted'
                        ? `deleted${lab.deletedBy ? ` by ${lab.deletedBy}` : ''}`
                        : 'orphan removed'}
                    </td>
                    <td className="actions">
                      {can('admin') ? (
                        <button
                          type="button"
                          disabled={restore.isPending}
                          onClick={() => restore.mutate(lab.labId)}
                          aria-label={`Restore ${lab.title}`}
                        >
                          Restore
                        </button>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </details>
    </section>
  );
}
