import { InProcessWorkerWriteLock } from './in-process-worker-write-lock';
import { UnserialisedWorkerWrites } from './unserialised-worker-writes';

/** A piece of work that logs when it starts and ends, and takes `ms`. */
function stepper(log: string[]) {
  return (name: string, ms: number) => async () => {
    log.push(`${name}:start`);
    await new Promise((r) => setTimeout(r, ms));
    log.push(`${name}:end`);
    return name;
  };
}

describe('InProcessWorkerWriteLock', () => {
  it('runs the work of one worker one at a time, in order, and other workers in parallel', async () => {
    const lock = new InProcessWorkerWriteLock();
    const log: string[] = [];
    const step = stepper(log);
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

describe('UnserialisedWorkerWrites', () => {
  it('runs the work of one worker at once, concurrently, and passes results and failures through', async () => {
    const writes = new UnserialisedWorkerWrites();
    const log: string[] = [];
    const step = stepper(log);
    const results = await Promise.all([writes.run('w1', step('a', 30)), writes.run('w1', step('b', 5))]);
    expect(results).toEqual(['a', 'b']);
    // b started before a ended: nothing waits (the database's conditional writes decide, not a lock).
    expect(log.indexOf('b:start')).toBeLessThan(log.indexOf('a:end'));
    await expect(writes.run('w1', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  });
});
