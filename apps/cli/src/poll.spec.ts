import { ApiError, UnreachableError } from './cli-errors';
import { pollUntilFinished } from './poll';

function clock() {
  let t = 0;
  return { now: () => t, sleep: async (ms: number) => void (t += ms) };
}

describe('pollUntilFinished', () => {
  it('reads until the state is final, reporting each one', async () => {
    const states = [1, 2, 3];
    const seen: number[] = [];
    const c = clock();
    const final = await pollUntilFinished({
      read: async () => states.shift()!,
      finished: (n) => n === 3,
      onState: (n) => seen.push(n),
      onRetry: () => undefined,
      intervalMs: 500,
      unavailableForMs: 10_000,
      ...c,
    });
    expect(final).toBe(3);
    expect(seen).toEqual([1, 2, 3]);
    expect(c.now()).toBe(1000);
  });

  it('rides out an unavailable API for a while', async () => {
    const answers: (() => number)[] = [
      () => 1,
      () => {
        throw new UnreachableError('down');
      },
      () => {
        throw new ApiError(503, { title: 'Database unavailable' }, 'GET', '/api/jobs/x');
      },
      () => 2,
    ];
    const retries: string[] = [];
    const final = await pollUntilFinished({
      read: async () => answers.shift()!(),
      finished: (n) => n === 2,
      onState: () => undefined,
      onRetry: (e) => retries.push(e.message),
      intervalMs: 1000,
      unavailableForMs: 10_000,
      ...clock(),
    });
    expect(final).toBe(2);
    expect(retries).toHaveLength(2);
  });

  it('gives up when the API stays unavailable past the limit', async () => {
    await expect(
      pollUntilFinished({
        read: async () => {
          throw new UnreachableError('down');
        },
        finished: () => false,
        onState: () => undefined,
        onRetry: () => undefined,
        intervalMs: 1000,
        unavailableForMs: 5000,
        ...clock(),
      }),
    ).rejects.toThrow('down');
  });

  it('ends at once on any other error', async () => {
    let reads = 0;
    await expect(
      pollUntilFinished({
        read: async () => {
          reads += 1;
          throw new ApiError(404, { title: 'Not Found' }, 'GET', '/api/jobs/x');
        },
        finished: () => false,
        onState: () => undefined,
        onRetry: () => undefined,
        intervalMs: 1000,
        unavailableForMs: 60_000,
        ...clock(),
      }),
    ).rejects.toThrow('404 Not Found');
    expect(reads).toBe(1);
  });
});
