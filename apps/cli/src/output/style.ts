/** Whether to colour what goes to a stream: only a terminal, and never when NO_COLOR is set (no-color.org). */
export function wantsColor(
  stream: { isTTY?: boolean },
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  return stream.isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === '');
}

export type Tone = 'good' | 'bad' | 'warn' | 'dim';

const SGR: Readonly<Record<Tone, string>> = { good: '32', bad: '31', warn: '33', dim: '2' };

/** Paints text in one tone, or leaves it as it is when colour is off. */
export class Style {
  constructor(readonly color: boolean) {}

  paint(text: string, tone: Tone): string {
    return this.color && text !== '' ? `\u001b[${SGR[tone]}m${text}\u001b[0m` : text;
  }

  /** The tone of a status the API reports (reconciliation, job, worker). */
  status(status: string): string {
    const tone: Tone | undefined =
      status === 'succeeded' || status === 'delivered'
        ? 'good'
        : status === 'failed' || status === 'dead'
          ? 'bad'
          : status === 'skipped' || status === 'running' || status === 'pending'
            ? 'warn'
            : undefined;
    return tone ? this.paint(status, tone) : status;
  }
}
