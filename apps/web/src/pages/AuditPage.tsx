import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { toProblem } from '../api/client';
import { queryKeys, useAllWorkers } from '../api/queries';
import { useSession } from '../context';
import { formatTime, shortType } from '../components/format';
import { ProblemAlert } from '../components/ProblemAlert';

const TYPES = [
  'io.cml-labs.lab.deleted.v1',
  'io.cml-labs.lab.orphan_removed.v1',
  'io.cml-labs.lab.restored.v1',
];

/** The audit trail from apps/audit (its own origin, WEB_AUDIT_URL, read with the same token), newest first. */
export function AuditPage(props: { workerId?: string; labId?: string }) {
  const { api, settings } = useSession();
  const workers = useAllWorkers();
  const [form, setForm] = useState({
    workerId: props.workerId ?? '',
    labId: props.labId ?? '',
    type: '',
    since: '',
  });
  const [applied, setApplied] = useState(form);
  const events = useQuery({
    queryKey: queryKeys.auditEvents(applied),
    queryFn: () =>
      api.listAuditEvents({
        workerId: applied.workerId || undefined,
        labId: applied.labId.trim() || undefined,
        type: applied.type || undefined,
        since: applied.since ? new Date(applied.since).toISOString() : undefined,
        limit: 200,
      }),
    placeholderData: keepPreviousData,
  });
  const nameOf = (id: string) => workers.data?.items.find((w) => w.id === id)?.name ?? id;
  const set = (k: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
    setForm((f) => ({ ...f, [k]: e.target.value }));

  return (
    <>
      <div className="page-head">
        <h1 tabIndex={-1}>Audit trail</h1>
        <button type="button" onClick={() => void events.refetch()} disabled={events.isFetching}>
          Reload
        </button>
      </div>
      <p className="muted small">
        From apps/audit at <span className="mono">{settings.auditUrl}</span>: one event per lab removal.
      </p>
      <form
        className="filters"
        role="search"
        aria-label="Filter audit events"
        onSubmit={(e) => {
          e.preventDefault();
          // Apply reads again even when the filters did not change (the same key would not).
          if (JSON.stringify(form) === JSON.stringify(applied)) void events.refetch();
          else setApplied(form);
        }}
      >
        <div className="field">
          <label htmlFor="a-worker">Worker</label>
          <select id="a-worker" value={form.workerId} onChange={set('workerId')}>
            <option value="">Any worker</option>
            {workers.data?.items.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="a-lab">Lab id</label>
          <input id="a-lab" value={form.labId} onChange={set('labId')} />
        </div>
        <div className="field">
          <label htmlFor="a-type">Type</label>
          <select id="a-type" value={form.type} onChange={set('type')}>
            <option value="">Any type</option>
            {TYPES.map((t) => (
              <option key={t} value={t}>
                {shortType(t)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="a-since">Since (local time)</label>
          <input id="a-since" type="datetime-local" value={form.since} onChange={set('since')} />
        </div>
        <button type="submit">Apply</button>
      </form>
      <ProblemAlert problem={events.error ? toProblem(events.error) : null} />
      <div className="table-wrap">
        <table aria-busy={events.isFetching}>
          <caption className="sr-only">Audit events, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Event</th>
              <th scope="col">Lab</th>
              <th scope="col">Worker</th>
              <th scope="col">By</th>
            </tr>
          </thead>
          <tbody>
            {events.data?.items.map((e) => (
              <tr key={`${e.source}:${e.id}`}>
                <td>{formatTime(e.time)}</td>
                <td>
                  <span
                    className={`badge ${e.type.includes('orphan') ? 'badge-status-skipped' : 'badge-off'}`}
                  >
                    {shortType(e.type)}
                  </span>
                </td>
                <th scope="row">
                  {String(e.data.labTitle ?? '')}
                  <br />
                  <span className="muted small mono">{e.labId}</span>
                </th>
                <td>{nameOf(e.workerId)}</td>
                <td>
                  {e.data.deletedBy
                    ? String(e.data.deletedBy)
                    : e.data.restoredBy
                      ? `restored by ${String(e.data.restoredBy)}`
                      : e.data.trigger
                        ? `reconciliation (${String(e.data.trigger)})`
                        : '—'}
                  {e.data.alreadyAbsentInCml ? (
                    <span className="muted small"> · already absent in CML</span>
                  ) : null}
                </td>
              </tr>
            ))}
            {events.data?.items.length === 0 ? (
              <tr>
                <td colSpan={5} className="muted">
                  No events match.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </>
  );
}
