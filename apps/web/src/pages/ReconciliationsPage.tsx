import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { toProblem, type Problem } from '../api/client';
import { queryKeys, useAllWorkers } from '../api/queries';
import { useSession } from '../context';
import { formatTime } from '../components/format';
import { ProblemAlert } from '../components/ProblemAlert';
import { SummaryView } from '../components/SummaryView';

/** How often the console reads a running run's progress. */
export const POLL_MS = 1000;

export function ReconciliationsPage() {
  const { api, can } = useSession();
  const queryClient = useQueryClient();
  const runs = useQuery({ queryKey: queryKeys.reconciliations, queryFn: () => api.listReconciliations() });
  const workers = useAllWorkers();
  const [problem, setProblem] = useState<Problem | null>(null);
  const [started, setStarted] = useState<string | null>(null);
  const nameOf = (id: string) => workers.data?.items.find((w) => w.id === id)?.name ?? id;
  // The run just started, read every second until it ends: its progress, live.
  const progress = useQuery({
    queryKey: queryKeys.reconciliation(started ?? ''),
    queryFn: () => api.getReconciliation(started!),
    enabled: started !== null,
    refetchInterval: (q) => (q.state.data && q.state.data.status !== 'running' ? false : POLL_MS),
  });
  const ended = progress.data && progress.data.status !== 'running';
  useEffect(() => {
    if (ended) void queryClient.invalidateQueries({ queryKey: queryKeys.reconciliations, exact: true });
  }, [ended, queryClient]);

  const start = useMutation({
    mutationFn: () => api.startReconciliation(),
    onMutate: () => setProblem(null),
    onSuccess: (r) => {
      setStarted(r.reconciliationId);
      return queryClient.invalidateQueries({ queryKey: queryKeys.reconciliations });
    },
    onError: (e) => setProblem(toProblem(e)),
  });

  return (
    <>
      <div className="page-head">
        <h1 tabIndex={-1}>Reconciliation history</h1>
        <div className="row">
          <button type="button" onClick={() => void runs.refetch()} disabled={runs.isFetching}>
            Reload
          </button>
          {can('admin') ? (
            <button type="button" className="primary" onClick={() => start.mutate()}>
              Reconcile all workers now
            </button>
          ) : null}
        </div>
      </div>
      <div aria-live="polite">
        {started ? (
          <div className="alert alert-success">
            <p>Reconciliation {started} started; it runs in the background.</p>
            {progress.data ? (
              <p>
                {progress.data.status === 'running' ? 'Running' : `Ended (${progress.data.status})`}:{' '}
                {progress.data.workersDone} of {progress.data.workersTotal} workers done.{' '}
                <progress
                  aria-label="Workers reconciled"
                  max={Math.max(1, progress.data.workersTotal)}
                  value={progress.data.workersDone}
                />
              </p>
            ) : null}
          </div>
        ) : null}
      </div>
      <ProblemAlert problem={runs.error ? toProblem(runs.error) : problem} />
      {runs.data?.items.length === 0 ? <p className="muted">No reconciliation has run yet.</p> : null}
      <ol className="runs">
        {runs.data?.items.map((run) => (
          <li key={run.id} className="panel">
            <details>
              <summary>
                <strong>{formatTime(run.startedAt)}</strong> · {run.trigger} · {run.workers.length} worker
                {run.workers.length === 1 ? '' : 's'} ·{' '}
                {run.status === 'running'
                  ? `running (${run.workersDone}/${run.workersTotal})`
                  : `${run.status === 'failed' ? 'failed' : 'finished'} ${run.finishedAt ? formatTime(run.finishedAt) : ''}`}{' '}
                · {run.workers.filter((w) => w.status !== 'succeeded').length} not succeeded
              </summary>
              {run.workers.map((s) => (
                <SummaryView key={s.workerId} summary={s} title={nameOf(s.workerId)} />
              ))}
            </details>
          </li>
        ))}
      </ol>
    </>
  );
}
