import { CliIo } from '../cli-io';

export interface RecordingIo extends CliIo {
  out: () => string;
  err: () => string;
  /** The questions asked, in order. */
  questions: string[];
  /** How long the CLI slept, in all. */
  slept: () => number;
}

/**
 * A CliIo for specs: captured stdout and stderr (not terminals unless said), a fixed clock that moves only
 * when the CLI sleeps, and canned answers to its questions.
 */
export function recordingIo(
  options: {
    env?: Record<string, string>;
    answers?: string[];
    stdinIsTTY?: boolean;
    stdoutIsTTY?: boolean;
    stderrIsTTY?: boolean;
    files?: Record<string, string>;
    now?: Date;
  } = {},
): RecordingIo {
  let out = '';
  let err = '';
  let t = (options.now ?? new Date('2026-12-08T10:00:00.000Z')).getTime();
  let slept = 0;
  const answers = [...(options.answers ?? [])];
  const questions: string[] = [];
  return {
    env: options.env ?? {},
    stdout: { write: (text: string) => (out += text), isTTY: options.stdoutIsTTY ?? false },
    stderr: { write: (text: string) => (err += text), isTTY: options.stderrIsTTY ?? false },
    stdinIsTTY: options.stdinIsTTY ?? false,
    async ask(question) {
      questions.push(question);
      return answers.shift() ?? '';
    },
    readFile(path) {
      const text = options.files?.[path];
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      return text;
    },
    now: () => new Date(t),
    async sleep(ms) {
      t += ms;
      slept += ms;
    },
    out: () => out,
    err: () => err,
    questions,
    slept: () => slept,
  };
}
