import { useState } from 'react';
import { toProblem, type Problem } from '../api/client';
import type { ReconcileSummary, Worker } from '../api/types';
import { useLoader, useSession } from '../context';
import { formatTime } from '../components/format';
import { nextCursors, Pagination } from '../components/Pagination';
import { ProblemAlert } from '../components/ProblemAlert';
import { StatusBadge } from '../components/StateBadge';
import { SummaryView } from '../components/SummaryView';
import { WorkerFormDialog } from './WorkerFormDialog';

export function WorkersPage() {
  const { api, can } = useSession();
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const page = cursors.length;
  const workers = useLoader(() => api.listWorkers(cursors[cursors.length - 1], 25), [api, cursors]);
  const [editing, setEditing] = useState<Worker | 'new' | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [refreshing, setRefreshing] = useState<string | null>(null);
  const [summary, setSummary] = useState<{ worker: string; s: ReconcileSummary } | null>(null);

  const replace = (w: Worker) =>
    workers.setData((d) => (d ? { ...d, items: d.items.map((x) => (x.id === w.id ? w : x)) } : d));

  const toggle = async (w: Worker) => {
    setProblem(null);
    try {
      replace(await api.updateWorker(w.id, { enabled: !w.enabled }));
    } catch (e) {
      setProblem(toProblem(e));
    }
  };
  const refresh = async (w: Worker) => {
    setProblem(null);
    setRefreshing(w.id);
    try {
      const s = await api.refresh(w.id);
      setSummary({ worker: w.name, s });
      await workers.reload();
    } catch (e) {
      setProblem(toProblem(e));
    } finally {
      setRefreshing(null);
    }
  };

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
        <table aria-busy={workers.busy}>
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
                      onClick={() => void refresh(w)}
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
                        onClick={() => void toggle(w)}
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
        busy={workers.busy}
        onPrevious={() => setCursors((c) => c.slice(0, -1))}
        onNext={() => setCursors((c) => nextCursors(c, workers.data?.nextCursor ?? null))}
      />
      {editing ? (
        <WorkerFormDialog
          worker={editing === 'new' ? undefined : editing}
          onCreate={api.createWorker}
          onUpdate={api.updateWorker}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            void workers.reload();
          }}
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
