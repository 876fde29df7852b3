import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { toProblem } from '../api/client';
import { queryKeys } from '../api/queries';
import type { ReconcileMode, Worker, WorkerPatch } from '../api/types';
import { useSession } from '../context';
import { Dialog } from '../components/Dialog';
import { ProblemAlert } from '../components/ProblemAlert';

/** Add a worker (POST) or edit one (PATCH with only what changed; an empty password keeps the stored one). */
export function WorkerFormDialog(props: {
  worker?: Worker;
  onSaved: (w: Worker) => void;
  onClose: () => void;
}) {
  const { api } = useSession();
  const queryClient = useQueryClient();
  const w = props.worker;
  const [name, setName] = useState(w?.name ?? '');
  const [endpoint, setEndpoint] = useState(w?.endpoint ?? 'https://');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [verifyTls, setVerifyTls] = useState(w?.verifyTls ?? true);
  const [caCertPem, setCaCertPem] = useState('');
  const [mode, setMode] = useState<ReconcileMode>(w?.reconcileMode ?? 'enforce');

  const save = useMutation({
    mutationFn: async (): Promise<Worker> => {
      if (!w) {
        const created = await api.createWorker({
          name,
          endpoint,
          username,
          password,
          verifyTls,
          ...(caCertPem.trim() ? { caCertPem } : {}),
        });
        return mode !== 'enforce' ? api.updateWorker(created.id, { reconcileMode: mode }) : created;
      }
      const patch: WorkerPatch = {};
      if (name !== w.name) patch.name = name;
      if (endpoint !== w.endpoint) patch.endpoint = endpoint;
      if (username) patch.username = username;
      if (password) patch.password = password;
      if (verifyTls !== w.verifyTls) patch.verifyTls = verifyTls;
      if (caCertPem.trim()) patch.caCertPem = caCertPem;
      if (mode !== w.reconcileMode) patch.reconcileMode = mode;
      return Object.keys(patch).length ? api.updateWorker(w.id, patch) : w;
    },
    // Settled, not only succeeded: a create whose mode change failed still added the worker.
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.workers }),
    onSuccess: (saved) => props.onSaved(saved),
  });
  const busy = save.isPending;
  const problem = save.error ? toProblem(save.error) : null;

  return (
    <Dialog title={w ? `Edit worker ${w.name}` : 'Add a worker'} onClose={props.onClose} busy={busy}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
        className="form"
      >
        <label htmlFor="wf-name">Name</label>
        <input id="wf-name" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
        <label htmlFor="wf-endpoint">Endpoint</label>
        <input
          id="wf-endpoint"
          required
          type="url"
          value={endpoint}
          onChange={(e) => setEndpoint(e.target.value)}
          aria-describedby="wf-endpoint-hint"
        />
        <p id="wf-endpoint-hint" className="hint">
          https://host[:port] of the CML controller
        </p>
        <label htmlFor="wf-username">Username{w ? ' (empty: unchanged)' : ''}</label>
        <input
          id="wf-username"
          required={!w}
          autoComplete="off"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
        />
        <label htmlFor="wf-password">Password{w ? ' (empty: unchanged)' : ''}</label>
        <input
          id="wf-password"
          type="password"
          required={!w}
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <label className="checkbox">
          <input type="checkbox" checked={verifyTls} onChange={(e) => setVerifyTls(e.target.checked)} />
          Verify the TLS certificate
        </label>
        <label htmlFor="wf-ca">CA certificate (PEM){w ? ', empty: unchanged' : ', optional'}</label>
        <textarea id="wf-ca" rows={4} value={caCertPem} onChange={(e) => setCaCertPem(e.target.value)} />
        <label htmlFor="wf-mode">Reconcile mode</label>
        <select id="wf-mode" value={mode} onChange={(e) => setMode(e.target.value as ReconcileMode)}>
          <option value="enforce">enforce: create, update and remove records</option>
          <option value="observe">observe: compute and report, write nothing</option>
          <option value="paused">paused: do not reconcile</option>
        </select>
        <ProblemAlert problem={problem} />
        <div className="dialog-actions">
          <button type="button" onClick={props.onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Saving…' : w ? 'Save' : 'Add worker'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
