import { UnserialisedWorkerWrites } from './unserialised-worker-writes';

describe('UnserialisedWorkerWrites', () => {
  it('runs the work of one worker at once, concurrently, and passes results and failures through', async () => {
    const writes = new UnserialisedWorkerWrites();
    const log: string[] = [];
    const step = (name: string, ms: number) => async () => {
      log.push(`${name}:start`);
      await new Promise((r) => setTimeout(r, ms));
      log.push(`${name}:end`);
      return name;
    };
    const results = await Promise.all([writes.run('w1', step('a', 30)), writes.run('w1', step('b', 5))]);
    expect(results).toEqual(['a', 'b']);
    // b started before a ended: nothing waits (the database's conditional writes decide, not a lock).
    expect(log.indexOf('b:start')).toBeLessThan(log.indexOf('a:end'));
    await expect(writes.run('w1', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  });
});
