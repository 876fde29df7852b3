import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { toProblem } from '../api/client';
import { queryKeys, useAllWorkers } from '../api/queries';
import type { AuditEventFilters, AuditExportFormat } from '../api/types';
import { useSession } from '../context';
import { formatTime, shortType } from '../components/format';
import { nextCursors, Pagination } from '../components/Pagination';
import { ProblemAlert } from '../components/ProblemAlert';
import { saveFile } from '../components/save-file';

const TYPES = [
  'io.cml-labs.lab.deleted.v1',
  'io.cml-labs.lab.orphan_removed.v1',
  'io.cml-labs.lab.restored.v1',
];
export const AUDIT_PAGE_SIZE = 200;

interface FilterForm {
  workerId: string;
  labId: string;
  type: string;
  owner: string;
  deletedBy: string;
  since: string;
  until: string;
}

/** The form as apps/audit's filters: blanks left out, local date-times as instants. */
function filtersOf(form: FilterForm): AuditEventFilters {
  const instant = (local: string) => (local ? new Date(local).toISOString() : undefined);
  return {
    workerId: form.workerId || undefined,
    labId: form.labId.trim() || undefined,
    type: form.type || undefined,
    owner: form.owner.trim() || undefined,
    deletedBy: form.deletedBy.trim() || undefined,
    since: instant(form.since),
    until: instant(form.until),
  };
}

/**
 * The audit trail from apps/audit (its own origin, WEB_AUDIT_URL, read with the same token), newest first, a
 * page at a time, and the whole filtered trail as a CSV or NDJSON file.
 */
export function AuditPage(props: { workerId?: string; labId?: string }) {
  const { api, settings } = useSession();
  const workers = useAllWorkers();
  const [form, setForm] = useState<FilterForm>({
    workerId: props.workerId ?? '',
    labId: props.labId ?? '',
    type: '',
    owner: '',
    deletedBy: '',
    since: '',
    until: '',
  });
  const [applied, setApplied] = useState(form);
  // cursors[i] opens page i + 1; new filters start again at the first page.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1];
  const events = useQuery({
    queryKey: queryKeys.auditEvents({ ...applied, cursor }),
    queryFn: () => api.listAuditEvents({ ...filtersOf(applied), limit: AUDIT_PAGE_SIZE, cursor }),
    placeholderData: keepPreviousData,
  });
  // The file has every event the applied filters match, not only this page.
  const download = useMutation({
    mutationFn: (format: AuditExportFormat) => api.downloadAuditEvents(filtersOf(applied), format),
    onSuccess: saveFile,
  });
  const nameOf = (id: string) => workers.data?.items.find((w) => w.id === id)?.name ?? id;
  const set = (k: keyof FilterForm) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
    setForm((f) => ({ ...f, [k]: e.target.value }));

  return (
    <>
      <div className="page-head">
        <h1 tabIndex={-1}>Audit trail</h1>
        <div className="page-actions">
          <button type="button" onClick={() => void events.refetch()} disabled={events.isFetching}>
            Reload
          </button>
          <button type="button" onClick={() => download.mutate('csv')} disabled={download.isPending}>
            Download CSV
          </button>
          <button type="button" onClick={() => download.mutate('ndjson')} disabled={download.isPending}>
            Download NDJSON
          </button>
        </div>
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
          else {
            setApplied(form);
            setCursors([null]);
          }
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
          <label htmlFor="a-owner">Owner</label>
          <input id="a-owner" value={form.owner} onChange={set('owner')} />
        </div>
        <div className="field">
          <label htmlFor="a-deleted-by">Deleted by</label>
          <input id="a-deleted-by" value={form.deletedBy} onChange={set('deletedBy')} />
        </div>
        <div className="field">
          <label htmlFor="a-since">Since (local time)</label>
          <input id="a-since" type="datetime-local" value={form.since} onChange={set('since')} />
        </div>
        <div className="field">
          <label htmlFor="a-until">Until, exclusive (local time)</label>
          <input id="a-until" type="datetime-local" value={form.until} onChange={set('until')} />
        </div>
        <button type="submit">Apply</button>
      </form>
      <ProblemAlert problem={events.error ? toProblem(events.error) : null} />
      <ProblemAlert problem={download.error ? toProblem(download.error) : null} />
      {download.isPending ? (
        <p className="muted small" role="status">
          Preparing the download…
        </p>
      ) : null}
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
      <Pagination
        page={cursors.length}
        hasNext={!!events.data?.nextCursor}
        busy={events.isFetching}
        label="Audit event pages"
        onPrevious={() => setCursors((c) => c.slice(0, -1))}
        onNext={() => setCursors((c) => nextCursors(c, events.data?.nextCursor ?? null))}
      />
    </>
  );
}
