import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { toProblem } from '../api/client';
import { queryKeys } from '../api/queries';
import type { ReconcileSummary } from '../api/types';
import { useSession } from '../context';
import { formatTime } from '../components/format';
import { ProblemAlert } from '../components/ProblemAlert';

/** Orphans held back by the delete-ratio guard; an admin approves all or a selection. */
export function OrphansPanel(props: { workerId: string; onApproved: (s: ReconcileSummary) => void }) {
  const { api, can } = useSession();
  const queryClient = useQueryClient();
  const orphans = useQuery({
    queryKey: queryKeys.orphans(props.workerId),
    queryFn: () => api.listOrphans(props.workerId),
  });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const approve = useMutation({
    mutationFn: (labIds?: string[]) => api.approveOrphans(props.workerId, labIds),
    onSuccess: (s) => {
      props.onApproved(s);
      setSelected(new Set());
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.orphans(props.workerId) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.labs(props.workerId) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.workers }),
      ]);
    },
  });
  const items = orphans.data?.items ?? [];
  // Only what is still pending counts as selected, whatever a re-read removed.
  const chosen = items.filter((o) => selected.has(o.labId)).map((o) => o.labId);
  const busy = approve.isPending;
  const problem = approve.error ? toProblem(approve.error) : null;

  if (orphans.error) return <ProblemAlert problem={toProblem(orphans.error)} />;
  if (items.length === 0) return null;

  const toggle = (id: string) =>
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });

  return (
    <section className="panel panel-warn" aria-labelledby="orphans-title">
      <h2 id="orphans-title">Pending orphans ({items.length})</h2>
      <p>
        These labs are gone from CML, but removing them all at once would exceed the delete-ratio guard.
        Approving confirms each is absent in CML again, then removes its record.
      </p>
      <ProblemAlert problem={problem} />
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              {can('admin') ? (
                <th scope="col">
                  <span className="sr-only">Select</span>
                </th>
              ) : null}
              <th scope="col">Title</th>
              <th scope="col">Owner</th>
              <th scope="col">Detected</th>
              <th scope="col">Last confirmed</th>
            </tr>
          </thead>
          <tbody>
            {items.map((o) => (
              <tr key={o.labId}>
                {can('admin') ? (
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Select ${o.title}`}
                      checked={selected.has(o.labId)}
                      onChange={() => toggle(o.labId)}
                    />
                  </td>
                ) : null}
                <th scope="row">{o.title}</th>
                <td>{o.owner}</td>
                <td>{formatTime(o.detectedAt)}</td>
                <td>{formatTime(o.lastConfirmedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {can('admin') ? (
        <div className="row">
          <button type="button" disabled={busy || chosen.length === 0} onClick={() => approve.mutate(chosen)}>
            Approve selected ({chosen.length})
          </button>
          <button type="button" className="danger" disabled={busy} onClick={() => approve.mutate(undefined)}>
            {busy ? 'Approving…' : `Approve all ${items.length}`}
          </button>
        </div>
      ) : (
        <p className="muted">An admin can approve these removals.</p>
      )}
    </section>
  );
}
