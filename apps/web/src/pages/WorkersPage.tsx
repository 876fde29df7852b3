import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { toProblem, type Problem } from '../api/client';
import { queryKeys } from '../api/queries';
import type { ReconcileSummary, Worker, WorkerPage } from '../api/types';
import { useSession } from '../context';
import { formatTime } from '../components/format';
import { nextCursors, Pagination } from '../components/Pagination';
import { ProblemAlert } from '../components/ProblemAlert';
import { StatusBadge } from '../components/StateBadge';
import { SummaryView } from '../components/SummaryView';
import { WorkerFormDialog } from './WorkerFormDialog';

const PAGE_SIZE = 25;

export function WorkersPage() {
  const { api, can } = useSession();
  const queryClient = useQueryClient();
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const page = cursors.length;
  const cursor = cursors[cursors.length - 1];
  const workers = useQuery({
    queryKey: queryKeys.workerList(cursor, PAGE_SIZE),
    queryFn: () => api.listWorkers(cursor, PAGE_SIZE),
    placeholderData: keepPreviousData,
  });
  const [editing, setEditing] = useState<Worker | 'new' | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [summary, setSummary] = useState<{ worker: string; s: ReconcileSummary } | null>(null);

  const toggle = useMutation({
    mutationFn: (w: Worker) => api.updateWorker(w.id, { enabled: !w.enabled }),
    onMutate: () => setProblem(null),
    onSuccess: (saved) => {
      // The answer is the worker as it is now: shown at once in every list that has it.
      queryClient.setQueriesData<WorkerPage>({ queryKey: queryKeys.workerLists }, (d) =>
        d ? { ...d, items: d.items.map((x) => (x.id === saved.id ? saved : x)) } : d,
      );
      queryClient.setQueryData(queryKeys.worker(saved.id), saved);
    },
    onError: (e) => setProblem(toProblem(e)),
  });
  const refresh = useMutation({
    mutationFn: (w: Worker) => api.refresh(w.id),
    onMutate: () => setProblem(null),
    onSuccess: (s, w) => {
      setSummary({ worker: w.name, s });
      // Refreshing… stays until the list shows the worker's new last reconcile.
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.workers }),
        queryClient.invalidateQueries({ queryKey: queryKeys.labs(w.id) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.orphans(w.id) }),
      ]);
    },
    onError: (e) => setProblem(toProblem(e)),
  });
  const refreshing = refresh.isPending ? (refresh.variables?.id ?? null) : null;

  return (
    <>
      <div className="page-head">
        <h1 tabIndex={-1}>Workers</h1>
        {can('admin') ? (
          <button type="button" className="primary" onClick={() => setEditing('new')}>
            Add worker
          </button>
        ) : null}
      </div>
      <ProblemAlert problem={workers.error ? toProblem(workers.error) : problem}>
        {problem && (problem.status === 502 || problem.status === 504) ? (
          <p>
            <strong>Nothing was removed:</strong> CML's answer could not be trusted, so every record is kept.
          </p>
        ) : null}
      </ProblemAlert>
      <div aria-live="polite">
        {summary ? <SummaryView summary={summary.s} title={`Refresh of ${summary.worker}`} /> : null}
      </div>
      <div className="table-wrap">
        <table aria-busy={workers.isFetching}>
          <caption className="sr-only">CML workers and their last reconciliation</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Endpoint</th>
              <th scope="col">Status</th>
              <th scope="col">Mode</th>
              <th scope="col">CML</th>
              <th scope="col">Last reconcile</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {workers.data?.items.map((w) => (
              <tr key={w.id}>
                <th scope="row">
                  <a href={`#/workers/${w.id}`}>{w.name}</a>
                </th>
                <td className="mono">{w.endpoint}</td>
                <td>
                  {w.enabled ? (
                    <span className="badge badge-on">enabled</span>
                  ) : (
                    <span className="badge badge-off">disabled</span>
                  )}
                </td>
                <td>{w.reconcileMode}</td>
                <td>
                  <CmlContactView cml={w.cml ?? null} />
                </td>
                <td>
                  {w.lastReconcile ? (
                    <LastReconcile s={w.lastReconcile} />
                  ) : (
                    <span className="muted">never</span>
                  )}
                </td>
                <td className="actions">
                  {can('operator') ? (
                    <button
                      type="button"
                      onClick={() => refresh.mutate(w)}
                      disabled={refreshing !== null}
                      aria-label={`Refresh ${w.name} now`}
                    >
                      {refreshing === w.id ? 'Refreshing…' : 'Refresh now'}
                    </button>
                  ) : null}
                  {can('admin') ? (
                    <>
                      <button type="button" onClick={() => setEditing(w)} aria-label={`Edit ${w.name}`}>
                        Edit
                      </button>
                      <button
                        type="button"
                        onClick={() => toggle.mutate(w)}
                        aria-label={`${w.enabled ? 'Disable' : 'Enable'} ${w.name}`}
                      >
                        {w.enabled ? 'Disable' : 'Enable'}
                      </button>
                    </>
                  ) : null}
                </td>
              </tr>
            ))}
            {workers.data && workers.data.items.length === 0 ? (
              <tr>
                <td colSpan={7} className="muted">
                  No workers yet.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      <Pagination
        page={page}
        hasNext={!!workers.data?.nextCursor}
        busy={workers.isFetching}
        onPrevious={() => setCursors((c) => c.slice(0, -1))}
        onNext={() => setCursors((c) => nextCursors(c, workers.data?.nextCursor ?? null))}
      />
      {editing ? (
        <WorkerFormDialog
          worker={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(null)}
          onSaved={() => setEditing(null)}
        />
      ) : null}
    </>
  );
}

function LastReconcile({ s }: { s: ReconcileSummary }) {
  return (
    <span className="last-reconcile">
      <StatusBadge status={s.status} /> {formatTime(s.finishedAt)}
      <br />
      <span className="muted small">
        {s.created} new, {s.updated} updated, {s.unchanged} unchanged, {s.orphansRemoved} removed
        {s.orphansPending ? `, ${s.orphansPending} pending approval` : ''}
        {s.reason ? ` · ${s.reason}` : ''}
      </span>
    </span>
  );
}

/** The CML version and whether the worker's account can see every lab (else orphans are never removed). */
function CmlContactView({ cml }: { cml: Worker['cml'] }) {
  if (!cml) return <span className="muted">not contacted yet</span>;
  return (
    <>
      <span className="mono">{cml.version}</span>
      {cml.ready ? null : <span className="badge badge-off"> not ready</span>}
      {cml.accountIsAdmin === true ? null : (
        <div className="muted" title="CML shows a non-admin account only its own and shared labs">
          {cml.accountIsAdmin === false ? 'non-admin account' : 'admin rights unknown'}: orphans are not
          removed
        </div>
      )}
    </>
  );
}
