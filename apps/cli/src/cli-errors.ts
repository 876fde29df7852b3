import { ExitCode, exitCodeOfStatus } from './exit-codes';

/** An error the CLI reports on stderr as one message and ends with its exit code. */
export abstract class CliError extends Error {
  abstract readonly exitCode: ExitCode;
}

/** The command line was wrong: a missing option, a bad duration, a name that matches nothing it could. */
export class UsageError extends CliError {
  readonly exitCode = ExitCode.Usage;
}

/** A worker or lab named on the command line does not exist (found without the API answering 404). */
export class NotFoundError extends CliError {
  readonly exitCode = ExitCode.NotFound;
}

/** The operator (or the CLI on their behalf) declined: a confirmation answered no. */
export class RefusedError extends CliError {
  readonly exitCode = ExitCode.Refused;
}

/** The operation ran and finished, but part of it failed (details were printed already). */
export class OperationFailedError extends CliError {
  readonly exitCode = ExitCode.Failed;
}

/** An outcome whose exit code was decided elsewhere (a summary of several failures). */
export class ExitWith extends CliError {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
  ) {
    super(message);
  }
}

/** The API's problem+json (RFC 9457), as far as the CLI reads it. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: { field: string; message: string }[];
  /** Phase 1: the CML call that failed and the CML changes already made. */
  step?: string;
  cmlChanges?: string[];
}

/** The API answered with an error status. */
export class ApiError extends CliError {
  readonly exitCode: ExitCode;

  constructor(
    readonly status: number,
    readonly problem: Problem,
    readonly method: string,
    readonly path: string,
    hint?: string,
  ) {
    super(describeProblem(status, problem) + (hint ? `\n  ${hint}` : ''));
    this.exitCode = exitCodeOfStatus(status);
  }
}

/** The API could not be reached or did not answer in time. The message names the URL, never the token. */
export class UnreachableError extends CliError {
  readonly exitCode = ExitCode.Unavailable;
}

/** `409 Conflict: Lab is started (step: read; CML changes: stopped)` and the field errors of a 400, one a line. */
export function describeProblem(status: number, problem: Problem): string {
  const title = problem.title ?? `HTTP ${status}`;
  const detail = problem.detail && problem.detail !== title ? `: ${problem.detail}` : '';
  const lines = [`${status} ${title}${detail}`];
  if (problem.step !== undefined) {
    const changes = problem.cmlChanges?.length ? problem.cmlChanges.join(', ') : 'none';
    lines.push(`  failed at step: ${problem.step}; CML changes already made: ${changes}`);
  }
  for (const e of problem.errors ?? []) lines.push(`  ${e.field}: ${e.message}`);
  return lines.join('\n');
}
