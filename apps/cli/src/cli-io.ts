/** A stream the CLI writes to; `isTTY` decides between a terminal's and a script's output. */
export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/**
 * Everything the CLI takes from its process, passed in so that specs run it without one: the environment,
 * the streams, the clock, waiting, reading files and asking the operator a question.
 */
export interface CliIo {
  env: Readonly<Record<string, string | undefined>>;
  stdout: OutputStream;
  stderr: OutputStream;
  /** Whether stdin is a terminal: only then may the CLI ask for a confirmation. */
  stdinIsTTY: boolean;
  /** Asks a question on stderr and resolves with the line the operator typed. */
  ask(question: string): Promise<string>;
  readFile(path: string): string;
  now(): Date;
  sleep(ms: number): Promise<void>;
}
