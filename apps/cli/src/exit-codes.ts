/**
 * The exit codes a script can rely on (README, "Operator CLI"). They say what kind of thing went wrong, not
 * which command ran, so `cml-labs labs rm ... || case $? in 4) ...` reads the same for every command.
 */
export const ExitCode = {
  /** Everything the command asked for was done. */
  Ok: 0,
  /** The operation ran but something in it failed: a bulk job with failed items, a failed reconciliation. */
  Failed: 1,
  /** The command line (or what the API said of the input it was given: a 400) was wrong. */
  Usage: 2,
  /** 401 or 403: no valid token, or the token's roles do not allow it. */
  Auth: 3,
  /** 404: the worker, lab, run, job or event does not exist. */
  NotFound: 4,
  /** 409 or 422: refused as things stand (a started lab without --force, a disabled worker, ...). */
  Refused: 5,
  /** The API could not be reached, or it or CML is unavailable: network errors, timeouts, 502, 503, 504. */
  Unavailable: 6,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The exit code of an HTTP error status from the API. */
export function exitCodeOfStatus(status: number): ExitCode {
  if (status === 401 || status === 403) return ExitCode.Auth;
  if (status === 404) return ExitCode.NotFound;
  if (status === 409 || status === 422) return ExitCode.Refused;
  if (status === 502 || status === 503 || status === 504) return ExitCode.Unavailable;
  // Any other 4xx is about what the CLI sent (a bad id, a value the API refuses): the caller's input.
  if (status >= 400 && status < 500) return ExitCode.Usage;
  // A 500 is the API failing at the operation it was asked, not being unreachable.
  return ExitCode.Failed;
}
