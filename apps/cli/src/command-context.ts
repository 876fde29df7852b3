import { ApiClient } from './api/api-client';
import { CliIo } from './cli-io';
import { Progress } from './output/progress';
import { pollUntilFinished } from './poll';
import { Style, wantsColor } from './output/style';
import { terminalSafe } from './output/terminal-text';

/** How long a followed job's or run's progress may be unreadable before the wait ends (exit 6). */
const UNAVAILABLE_FOR_MS = 60_000;

/** What every command gets: the API, where its output goes and how (JSON or tables), and the process's I/O. */
export class CommandContext {
  readonly style: Style;
  readonly errStyle: Style;

  constructor(
    readonly api: ApiClient,
    readonly io: CliIo,
    readonly json: boolean,
    readonly pollIntervalMs: number,
  ) {
    this.style = new Style(wantsColor(io.stdout, io.env));
    this.errStyle = new Style(wantsColor(io.stderr, io.env));
  }

  /** The command's result: with --json the one JSON document, otherwise the human text. */
  print(document: unknown, human: () => string): void {
    if (this.json) this.io.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    else this.io.stdout.write(human());
  }

  /** A note for the operator on stderr (never part of the result). Values from the API go through `safe`. */
  note(text: string): void {
    this.io.stderr.write(`${text}\n`);
  }

  /** A value from the API (a title, a detail) as it may be shown in a note. */
  safe(value: unknown): string {
    return terminalSafe(value);
  }

  warn(text: string): void {
    this.io.stderr.write(`${this.errStyle.paint('warning:', 'warn')} ${text}\n`);
  }

  progress(): Progress {
    return new Progress(this.io.stderr);
  }

  /**
   * Follows a job or run on the server until it has finished, its progress on stderr as `<what>: <status>`.
   * The API may be unavailable for up to a minute meanwhile (a restart, the database away).
   */
  follow<T>(
    what: string,
    read: () => Promise<T>,
    finished: (state: T) => boolean,
    status: (state: T) => string,
  ): Promise<T> {
    const progress = this.progress();
    return pollUntilFinished<T>({
      read,
      finished,
      onState: (state) => progress.update(`${what}: ${status(state)}`),
      onRetry: (error) => progress.update(`${what}: the API is unavailable, retrying (${error.message})`),
      intervalMs: this.pollIntervalMs,
      unavailableForMs: UNAVAILABLE_FOR_MS,
      sleep: (ms) => this.io.sleep(ms),
      now: () => this.io.now().getTime(),
    }).finally(() => progress.stop());
  }
}
