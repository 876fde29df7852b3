import { useEffect, useState } from 'react';
import { toProblem, type Problem } from '../api/client';
import type { ReconcileSummary } from '../api/types';
import { useLoader, useSession } from '../context';
import { formatTime } from '../components/format';
import { ProblemAlert } from '../components/ProblemAlert';

/** Orphans held back by the delete-ratio guard; an admin approves all or a selection. */
export function OrphansPanel(props: {
  workerId: string;
  version: number;
  onApproved: (s: ReconcileSummary) => void;
}) {
  const { api, can } = useSession();
  const orphans = useLoader(() => api.listOrphans(props.workerId), [api, props.workerId, props.version]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const items = orphans.data?.items ?? [];
  useEffect(() => setSelected(new Set()), [orphans.data]);

  if (orphans.error) return <ProblemAlert problem={toProblem(orphans.error)} />;
  if (items.length === 0) return null;

  const approve = async (labIds?: string[]) => {
    setBusy(true);
    setProblem(null);
    try {
      const s = await api.approveOrphans(props.workerId, labIds);
      props.onApproved(s);
      await orphans.reload();
    } catch (e) {
      setProblem(toProblem(e));
    } finally {
      setBusy(false);
    }
  };
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
          <button
            type="button"
            disabled={busy || selected.size === 0}
            onClick={() => void approve([...selected])}
          >
            Approve selected ({selected.size})
          </button>
          <button type="button" className="danger" disabled={busy} onClick={() => void approve()}>
            {busy ? 'Approving…' : `Approve all ${items.length}`}
          </button>
        </div>
      ) : (
        <p className="muted">An admin can approve these removals.</p>
      )}
    </section>
  );
}
