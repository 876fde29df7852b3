import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { toProblem, type Problem } from '../api/client';
import { queryKeys } from '../api/queries';
import { LAB_STATES, type Lab, type LabPage, type LabState, type ReconcileSummary } from '../api/types';
import { useSession } from '../context';
import { DeleteLabDialog } from '../components/DeleteLabDialog';
import { formatTime } from '../components/format';
import { nextCursors, Pagination } from '../components/Pagination';
import { ProblemAlert } from '../components/ProblemAlert';
import { StateBadge } from '../components/StateBadge';
import { SummaryView } from '../components/SummaryView';
import { OrphansPanel } from './OrphansPanel';
import { RemovedPanel } from './RemovedPanel';

const PAGE_SIZE = 25;

export function LabsPage({ workerId }: { workerId: string }) {
  const { api, can } = useSession();
  const queryClient = useQueryClient();
  const worker = useQuery({ queryKey: queryKeys.worker(workerId), queryFn: () => api.getWorker(workerId) });
  const [state, setState] = useState<LabState | ''>('');
  const [owner, setOwner] = useState('');
  const [ownerApplied, setOwnerApplied] = useState('');
  const [search, setSearch] = useState('');
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const q = { state, owner: ownerApplied, limit: PAGE_SIZE, cursor: cursors[cursors.length - 1] };
  const labs = useQuery({
    queryKey: queryKeys.labList(workerId, q),
    queryFn: () => api.listLabs(workerId, q),
    placeholderData: keepPreviousData,
  });
  const [deleting, setDeleting] = useState<Lab | null>(null);
  const [summary, setSummary] = useState<ReconcileSummary | null>(null);
  const [preview, setPreview] = useState<ReconcileSummary | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);

  /** What a refresh or an approval changes: the labs, the worker's last reconcile, the pending orphans. */
  const invalidateWorker = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: queryKeys.labs(workerId) }),
      queryClient.invalidateQueries({ queryKey: queryKeys.workers }),
      queryClient.invalidateQueries({ queryKey: queryKeys.orphans(workerId) }),
    ]);
  const refresh = useMutation({
    mutationFn: () => api.refresh(workerId),
    onMutate: () => setProblem(null),
    onSuccess: (s) => {
      setSummary(s);
      setPreview(null);
      // Refreshing… stays until the page shows what the refresh wrote.
      return invalidateWorker();
    },
    onError: (e) => setProblem(toProblem(e)),
  });
  const previewRefresh = useMutation({
    mutationFn: () => api.previewRefresh(workerId),
    onMutate: () => setProblem(null),
    onSuccess: (s) => setPreview(s),
    onError: (e) => setProblem(toProblem(e)),
  });
  const deleteLab = useMutation({
    mutationFn: (v: { labId: string; force: boolean }) => api.deleteLab(workerId, v.labId, v.force),
    onSuccess: (r) => {
      // The record is gone at once in every read: drop the row now, then re-read the page.
      queryClient.setQueriesData<LabPage>({ queryKey: queryKeys.labs(workerId) }, (d) =>
        d ? { ...d, items: d.items.filter((l) => l.labId !== r.labId) } : d,
      );
      void queryClient.invalidateQueries({ queryKey: queryKeys.labs(workerId) });
    },
  });

  const resetPages = () => setCursors([null]);
  const needle = search.trim().toLowerCase();
  const shown = (labs.data?.items ?? []).filter((l) => !needle || l.title.toLowerCase().includes(needle));

  return (
    <>
      <p className="crumbs">
        <a href="#/workers">Workers</a> /
      </p>
      <div className="page-head">
        <h1 tabIndex={-1}>Labs on {worker.data?.name ?? '…'}</h1>
        {can('operator') ? (
          <div className="row">
            <button
              type="button"
              onClick={() => previewRefresh.mutate()}
              disabled={previewRefresh.isPending || refresh.isPending}
            >
              {previewRefresh.isPending ? 'Previewing…' : 'Preview'}
            </button>
            <button
              type="button"
              className="primary"
              onClick={() => refresh.mutate()}
              disabled={refresh.isPending}
            >
              {refresh.isPending ? 'Refreshing…' : 'Refresh now'}
            </button>
          </div>
        ) : null}
      </div>
      {worker.data && !worker.data.enabled ? (
        <p className="alert alert-warn">This worker is disabled: deletes are refused until it is enabled.</p>
      ) : null}
      <ProblemAlert problem={worker.error ? toProblem(worker.error) : problem}>
        {problem && (problem.status === 502 || problem.status === 504) ? (
          <p>
            <strong>Nothing was removed:</strong> CML's answer could not be trusted, so every record is kept.
          </p>
        ) : null}
      </ProblemAlert>
      <div aria-live="polite">
        {preview ? (
          <>
            <p className="muted">Preview: what a refresh would do now. Nothing was written.</p>
            <SummaryView summary={preview} title="Preview" />
          </>
        ) : null}
        {summary ? <SummaryView summary={summary} title="Refresh" /> : null}
      </div>

      <OrphansPanel workerId={workerId} onApproved={setSummary} />
      <RemovedPanel workerId={workerId} />

      <form
        className="filters"
        role="search"
        aria-label="Filter labs"
        onSubmit={(e) => {
          e.preventDefault();
          setOwnerApplied(owner.trim());
          resetPages();
        }}
      >
        <div className="field">
          <label htmlFor="f-state">State</label>
          <select
            id="f-state"
            value={state}
            onChange={(e) => {
              setState(e.target.value as LabState | '');
              resetPages();
            }}
          >
            <option value="">Any state</option>
            {LAB_STATES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-owner">Owner (user name or id)</label>
          <input
            id="f-owner"
            value={owner}
            onChange={(e) => setOwner(e.target.value)}
            onBlur={() => {
              if (owner.trim() !== ownerApplied) {
                setOwnerApplied(owner.trim());
                resetPages();
              }
            }}
          />
        </div>
        <div className="field">
          <label htmlFor="f-search">Search title (this page)</label>
          <input id="f-search" type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        </div>
        <button type="submit">Apply</button>
      </form>

      <ProblemAlert problem={labs.error ? toProblem(labs.error) : null} />
      <div className="table-wrap">
        <table aria-busy={labs.isFetching}>
          <caption className="sr-only">Labs of this worker</caption>
          <thead>
            <tr>
              <th scope="col">Title</th>
              <th scope="col">State</th>
              <th scope="col">Owner</th>
              <th scope="col" className="num">
                Nodes
              </th>
              <th scope="col">Last synced</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map((lab) => (
              <tr key={lab.labId} data-lab-id={lab.labId}>
                <th scope="row">
                  {lab.title}
                  <br />
                  <a className="muted small mono" href={`#/audit?workerId=${workerId}&labId=${lab.labId}`}>
                    {lab.labId}
                  </a>
                </th>
                <td>
                  <StateBadge state={lab.state} />
                </td>
                <td>{lab.ownerUsername || lab.owner}</td>
                <td className="num">{lab.nodeCount}</td>
                <td>{formatTime(lab.lastSyncedAt)}</td>
                <td className="actions">
                  {can('operator') ? (
                    <button
                      type="button"
                      className="danger-outline"
                      onClick={() => setDeleting(lab)}
                      aria-label={`Delete ${lab.title}`}
                    >
                      Delete
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
            {labs.data && shown.length === 0 ? (
              <tr>
                <td colSpan={6} className="muted">
                  {needle ? 'No lab on this page matches the search.' : 'No labs.'}
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      <p className="muted small">
        {labs.data ? `${shown.length} of ${labs.data.items.length} labs on this page shown.` : null} The title
        search filters the loaded page only; state and owner filter on the server.
      </p>
      <Pagination
        page={cursors.length}
        hasNext={!!labs.data?.nextCursor}
        busy={labs.isFetching}
        label="Lab pages"
        onPrevious={() => setCursors((c) => c.slice(0, -1))}
        onNext={() => setCursors((c) => nextCursors(c, labs.data?.nextCursor ?? null))}
      />
      {deleting ? (
        <DeleteLabDialog
          lab={deleting}
          deleteLab={(force) => deleteLab.mutateAsync({ labId: deleting.labId, force })}
          onClose={() => setDeleting(null)}
        />
      ) : null}
    </>
  );
}
