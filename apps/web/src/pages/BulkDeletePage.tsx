import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { toProblem, type Problem } from '../api/client';
import { queryKeys, useAllWorkers } from '../api/queries';
import { LAB_STATES, type BulkDeleteFilter, type BulkDeletePreview, type LabState } from '../api/types';
import { useSession } from '../context';
import { ProblemAlert } from '../components/ProblemAlert';
import { StateBadge, StatusBadge } from '../components/StateBadge';

/** How often a running job is read again. */
export const JOB_POLL_MS = 1000;

interface FilterForm {
  workerIds: string[];
  owner: string;
  titlePrefix: string;
  state: LabState | '';
  /** The value of a datetime-local input (local time), or ''. */
  createdBefore: string;
}

const EMPTY: FilterForm = { workerIds: [], owner: '', titlePrefix: '', state: '', createdBefore: '' };

/** The API's filter: only the fields given (the API refuses an empty one, and so does the form). */
function toFilter(form: FilterForm): BulkDeleteFilter {
  const filter: BulkDeleteFilter = {};
  if (form.workerIds.length > 0) filter.workerIds = form.workerIds;
  if (form.owner.trim()) filter.owner = form.owner.trim();
  if (form.titlePrefix) filter.titlePrefix = form.titlePrefix;
  if (form.state) filter.state = form.state;
  if (form.createdBefore) filter.createdBefore = new Date(form.createdBefore).toISOString();
  return filter;
}

/**
 * Bulk delete by filter: the filter, a Preview (the API's dry run: what would be deleted, from the local
 * inventory), then Delete, which starts a job; its progress is read every second until it ends, with each
 * lab that failed and why. Changing the filter drops the preview, so what is confirmed is what was shown.
 */
export function BulkDeletePage() {
  const { api, can } = useSession();
  const queryClient = useQueryClient();
  const workers = useAllWorkers();
  const [form, setForm] = useState<FilterForm>(EMPTY);
  const [force, setForce] = useState(false);
  const [preview, setPreview] = useState<{
    filter: BulkDeleteFilter;
    force: boolean;
    result: BulkDeletePreview;
  } | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const filter = toFilter(form);
  const hasFilter = Object.keys(filter).length > 0;
  const workerName = (id: string) => workers.data?.items.find((w) => w.id === id)?.name ?? id;

  const edit = (patch: Partial<FilterForm>) => {
    setForm((f) => ({ ...f, ...patch }));
    setPreview(null);
  };

  const runPreview = useMutation({
    mutationFn: () => api.previewBulkDelete({ filter, force }),
    onMutate: () => {
      setProblem(null);
      setJobId(null);
    },
    onSuccess: (result) => setPreview({ filter, force, result }),
    onError: (e) => setProblem(toProblem(e)),
  });

  const start = useMutation({
    mutationFn: (p: { filter: BulkDeleteFilter; force: boolean }) => api.startBulkDelete(p),
    onMutate: () => setProblem(null),
    onSuccess: ({ jobId: id }) => {
      setJobId(id);
      setPreview(null);
    },
    onError: (e) => setProblem(toProblem(e)),
  });

  const job = useQuery({
    queryKey: queryKeys.job(jobId ?? ''),
    queryFn: () => api.getJob(jobId!),
    enabled: jobId !== null,
    refetchInterval: (q) => (q.state.data && q.state.data.status !== 'running' ? false : JOB_POLL_MS),
  });
  const ended = job.data !== undefined && job.data.status !== 'running';
  // The labs pages read again once the job has removed what it could.
  useEffect(() => {
    if (ended) void queryClient.invalidateQueries({ queryKey: ['labs'] });
  }, [ended, queryClient]);

  return (
    <>
      <div className="page-head">
        <h1 tabIndex={-1}>Bulk delete</h1>
      </div>
      <p className="muted small">
        Deletes every lab of the local inventory that matches all the fields given, each through the same
        delete as a single lab (one <code>lab.deleted</code> event per lab). Preview first; nothing is deleted
        until you confirm.
      </p>
      <form
        className="filters"
        aria-label="Bulk delete filter"
        onSubmit={(e) => {
          e.preventDefault();
          if (hasFilter) runPreview.mutate();
        }}
      >
        <fieldset className="field">
          <legend>Workers (none = all)</legend>
          {workers.data?.items.map((w) => (
            <label key={w.id} className="check">
              <input
                type="checkbox"
                checked={form.workerIds.includes(w.id)}
                onChange={(e) =>
                  edit({
                    workerIds: e.target.checked
                      ? [...form.workerIds, w.id]
                      : form.workerIds.filter((id) => id !== w.id),
                  })
                }
              />
              {w.name}
            </label>
          ))}
        </fieldset>
        <div className="field">
          <label htmlFor="bd-title">Title starts with</label>
          <input
            id="bd-title"
            value={form.titlePrefix}
            onChange={(e) => edit({ titlePrefix: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor="bd-owner">Owner (user name or id)</label>
          <input id="bd-owner" value={form.owner} onChange={(e) => edit({ owner: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="bd-state">State</label>
          <select
            id="bd-state"
            value={form.state}
            onChange={(e) => edit({ state: e.target.value as LabState | '' })}
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
          <label htmlFor="bd-created">Created before</label>
          <input
            id="bd-created"
            type="datetime-local"
            value={form.createdBefore}
            onChange={(e) => edit({ createdBefore: e.target.value })}
          />
        </div>
        {can('admin') ? (
          <label className="check">
            <input
              type="checkbox"
              checked={force}
              onChange={(e) => {
                setForce(e.target.checked);
                setPreview(null);
              }}
            />
            Force: stop and wipe started labs first
          </label>
        ) : null}
        <button type="submit" disabled={!hasFilter || runPreview.isPending}>
          Preview
        </button>
        {!hasFilter ? <p className="muted small">Give at least one field.</p> : null}
      </form>

      <ProblemAlert problem={problem} />

      {preview ? (
        <section aria-labelledby="bd-preview">
          <h2 id="bd-preview">
            Preview: {preview.result.total} {preview.result.total === 1 ? 'lab' : 'labs'}
          </h2>
          {preview.result.items.length < preview.result.total ? (
            <p className="muted small">The first {preview.result.items.length} are listed.</p>
          ) : null}
          <div className="table-wrap">
            <table>
              <caption className="sr-only">Labs the bulk delete would delete</caption>
              <thead>
                <tr>
                  <th scope="col">Title</th>
                  <th scope="col">Worker</th>
                  <th scope="col">Owner</th>
                  <th scope="col">State</th>
                </tr>
              </thead>
              <tbody>
                {preview.result.items.map((i) => (
                  <tr key={`${i.workerId}:${i.labId}`}>
                    <th scope="row">
                      {i.title}
                      <br />
                      <span className="muted small mono">{i.labId}</span>
                    </th>
                    <td>{workerName(i.workerId)}</td>
                    <td className="mono">{i.owner}</td>
                    <td>
                      <StateBadge state={i.state} />
                    </td>
                  </tr>
                ))}
                {preview.result.total === 0 ? (
                  <tr>
                    <td colSpan={4} className="muted">
                      No lab matches this filter.
                    </td>
                  </tr>
                ) : null}
              </tbody>
            </table>
          </div>
          {preview.result.total > 0 ? (
            <button
              type="button"
              className="danger"
              disabled={start.isPending}
              onClick={() => start.mutate({ filter: preview.filter, force: preview.force })}
            >
              Delete {preview.result.total} {preview.result.total === 1 ? 'lab' : 'labs'}
              {preview.force ? ' (force)' : ''}
            </button>
          ) : null}
        </section>
      ) : null}

      {jobId ? (
        <section aria-labelledby="bd-job" aria-live="polite">
          <h2 id="bd-job">Job {jobId}</h2>
          <ProblemAlert problem={job.error ? toProblem(job.error) : null} />
          {job.data ? (
            <>
              <p>
                <StatusBadge status={job.data.status} />{' '}
                <span>
                  {job.data.done} of {job.data.total} done
                  {job.data.failed.length > 0 ? `, ${job.data.failed.length} failed` : ''}
                </span>
              </p>
              <progress
                max={job.data.total || 1}
                value={job.data.total ? job.data.done : 1}
                aria-label="Progress"
              />
              {job.data.failed.length > 0 ? (
                <div className="table-wrap">
                  <table>
                    <caption>Labs that could not be deleted</caption>
                    <thead>
                      <tr>
                        <th scope="col">Lab</th>
                        <th scope="col">Worker</th>
                        <th scope="col" className="num">
                          Status
                        </th>
                        <th scope="col">Why</th>
                      </tr>
                    </thead>
                    <tbody>
                      {job.data.failed.map((f) => (
                        <tr key={`${f.workerId}:${f.labId}`}>
                          <th scope="row" className="mono">
                            {f.labId}
                          </th>
                          <td>{workerName(f.workerId)}</td>
                          <td className="num">{f.status}</td>
                          <td>{f.detail}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              ) : null}
            </>
          ) : null}
        </section>
      ) : null}
    </>
  );
}
