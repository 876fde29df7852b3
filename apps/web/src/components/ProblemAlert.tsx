import type { Problem } from '../api/client';

/** A problem+json error: its title, its detail and the field errors of a 400. */
export function ProblemAlert({ problem, children }: { problem: Problem | null; children?: React.ReactNode }) {
  if (!problem) return null;
  return (
    <div className="alert alert-error" role="alert">
      <p className="alert-title">
        {problem.title}
        {problem.status ? <span className="alert-status"> (HTTP {problem.status})</span> : null}
      </p>
      {problem.detail ? <p>{problem.detail}</p> : null}
      {problem.errors?.length ? (
        <ul>
          {problem.errors.map((e) => (
            <li key={`${e.field}:${e.message}`}>
              <code>{e.field}</code>: {e.message}
            </li>
          ))}
        </ul>
      ) : null}
      {problem.step ? (
        <p>
          Failed at CML step <code>{problem.step}</code>.{' '}
          {problem.cmlChanges?.length ? (
            <>
              Already done in CML: <strong>{problem.cmlChanges.join(', ')}</strong>.
            </>
          ) : (
            'Nothing was changed in CML.'
          )}
        </p>
      ) : null}
      {children}
    </div>
  );
}
