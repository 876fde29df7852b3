import { InProcessWorkerWriteLock } from './in-process-worker-write-lock';

describe('InProcessWorkerWriteLock', () => {
  it('runs the work of one worker one at a time, in order, and other workers in parallel', async () => {
    const lock = new InProcessWorkerWriteLock();
    const log: string[] = [];
    const step = (name: string, ms: number) => async () => {
      log.push(`${name}:start`);
      await new Promise((r) => setTimeout(r, ms));
      log.push(`${name}:end`);
      return name;
    };
    const results = await Promise.all([
      lock.run('w1', step('a', 30)),
      lock.run('w1', step('b', 5)),
      lock.run('w2', step('c', 5)),
    ]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(log.indexOf('a:end')).toBeLessThan(log.indexOf('b:start'));
    expect(log.indexOf('c:end')).toBeLessThan(log.indexOf('a:end'));
  });

  it('releases the lock when the work fails', async () => {
    const lock = new InProcessWorkerWriteLock();
    await expect(lock.run('w', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(lock.run('w', async () => 'next')).resolves.toBe('next');
  });
});
