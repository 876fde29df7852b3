import { useRef, useState } from 'react';
import { toProblem, type Problem } from '../api/client';
import type { DeleteResult, Lab } from '../api/types';
import { Dialog } from './Dialog';
import { ProblemAlert } from './ProblemAlert';
import { StateBadge } from './StateBadge';

type Phase = 'confirm' | 'running' | 'done' | 'failed';

/** What the API does for this delete, in order (Phase 1, one request: the API reports no step on its own). */
export function deleteSteps(lab: Pick<Lab, 'state'>, force: boolean): string[] {
  const steps: string[] = [];
  if (lab.state === 'STARTED' && force) steps.push('Stop the lab in CML');
  if (lab.state !== 'DEFINED_ON_CORE' && force) steps.push('Wipe the lab in CML');
  steps.push('Delete the lab in CML', 'Remove the local record and record the audit event');
  return steps;
}

/**
 * The rules: CML deletes only wiped labs (DEFINED_ON_CORE). A stopped lab needs force (wipe first); a started lab
 * needs force (stop and wipe first) and its title typed exactly.
 */
export function canConfirmDelete(lab: Pick<Lab, 'state' | 'title'>, force: boolean, typed: string): boolean {
  if (lab.state === 'DEFINED_ON_CORE') return true;
  if (lab.state === 'STOPPED') return force;
  return force && typed === lab.title;
}

export function DeleteLabDialog(props: {
  lab: Lab;
  deleteLab: (force: boolean) => Promise<DeleteResult>;
  onDeleted?: (result: DeleteResult) => void;
  onClose: () => void;
}) {
  const { lab } = props;
  const started = lab.state === 'STARTED';
  const needsForce = lab.state !== 'DEFINED_ON_CORE';
  const [force, setForce] = useState(false);
  const [typed, setTyped] = useState('');
  const [phase, setPhase] = useState<Phase>('confirm');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [result, setResult] = useState<DeleteResult | null>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const steps = deleteSteps(lab, force);
  const allowed = canConfirmDelete(lab, force, typed);

  const run = async () => {
    setPhase('running');
    setProblem(null);
    try {
      const r = await props.deleteLab(force);
      setResult(r);
      setPhase('done');
      props.onDeleted?.(r);
    } catch (error) {
      setProblem(toProblem(error));
      setPhase('failed');
    }
  };

  const unchanged = problem && (problem.status === 502 || problem.status === 504);
  const stepState = (i: number): 'pending' | 'running' | 'done' | 'failed' => {
    if (phase === 'done') return 'done';
    // The API runs every step within one request and reports only the outcome.
    if (phase === 'running') return 'running';
    if (phase === 'failed') return i === 0 ? 'failed' : 'pending';
    void i;
    return 'pending';
  };
  const stepLabel = { pending: 'waiting', running: 'in progress', done: 'done', failed: 'not completed' };

  return (
    <Dialog
      title={`Delete lab “${lab.title}”`}
      onClose={props.onClose}
      busy={phase === 'running'}
      initialFocus={needsForce ? undefined : cancelRef}
    >
      <p>
        <StateBadge state={lab.state} /> on this worker, {lab.nodeCount} nodes, owned by{' '}
        {lab.ownerUsername || lab.owner}. The lab is deleted in CML, then its local record is removed. This
        cannot be undone.
      </p>
      {phase === 'confirm' || phase === 'failed' ? (
        needsForce ? (
          <fieldset className="danger-zone">
            <legend>{started ? 'This lab is running' : 'This lab is not wiped'}</legend>
            <label className="checkbox">
              <input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} />
              {started ? 'Force: stop and wipe the running lab first' : 'Force: wipe the stopped lab first'}
            </label>
            {started ? (
              <>
                <label htmlFor="confirm-title">
                  Type the lab title <strong>{lab.title}</strong> to confirm
                </label>
                <input
                  id="confirm-title"
                  autoComplete="off"
                  value={typed}
                  onChange={(e) => setTyped(e.target.value)}
                  aria-describedby="confirm-title-hint"
                />
                <p id="confirm-title-hint" className="hint">
                  {force && typed !== lab.title
                    ? 'The title does not match yet.'
                    : !force
                      ? 'Force is required.'
                      : 'Ready.'}
                </p>
              </>
            ) : null}
          </fieldset>
        ) : null
      ) : null}

      <ol className="steps" aria-label="Steps">
        {steps.map((s, i) => {
          const st = stepState(i);
          return (
            <li key={s} className={`step step-${st}`}>
              {s} <span className="step-state">({stepLabel[st]})</span>
            </li>
          );
        })}
      </ol>

      <div aria-live="polite">
        {phase === 'running' ? <p className="progress">Deleting… CML is working on it.</p> : null}
        {phase === 'done' && result ? (
          <div className="alert alert-success" role="status">
            <p className="alert-title">{result.message}</p>
            {result.alreadyAbsentInCml ? <p>The lab was already absent in CML.</p> : null}
            <p>
              {result.localRecordRemoved
                ? 'The local record was removed.'
                : 'There was no local record left.'}
            </p>
          </div>
        ) : null}
      </div>
      <ProblemAlert problem={problem}>
        {unchanged ? (
          <p>
            <strong>Nothing changed.</strong> CML did not complete the delete, so the lab and its local record
            are kept. Try again later.
          </p>
        ) : problem?.status === 409 ? (
          <p>CML refused the delete; the lab may have changed state. Refresh the list and try again.</p>
        ) : null}
      </ProblemAlert>

      <div className="dialog-actions">
        {phase === 'done' ? (
          <button type="button" className="primary" onClick={props.onClose} autoFocus>
            Close
          </button>
        ) : (
          <>
            <button type="button" ref={cancelRef} onClick={props.onClose} disabled={phase === 'running'}>
              Cancel
            </button>
            <button
              type="button"
              className="danger"
              onClick={() => void run()}
              disabled={!allowed || phase === 'running'}
            >
              {started ? 'Stop, wipe and delete' : needsForce ? 'Wipe and delete' : 'Delete lab'}
            </button>
          </>
        )}
      </div>
    </Dialog>
  );
}
