import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import * as path from 'node:path';

/**
 * Runs `work` under V8's CPU profiler when BENCH_CPU_PROFILE names a directory, and writes the profile there as
 * `<name>.cpuprofile` (open it in Chrome DevTools or speedscope). One scenario's profile, not the whole bench's:
 * `node --cpu-prof` would mix the cold sync, the baseline and the start-up into one.
 */
export async function profiled<T>(name: string, work: () => Promise<T>): Promise<T> {
  const dir = process.env.BENCH_CPU_PROFILE;
  if (!dir) return work();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    const file = path.join(dir, `${name.replace(/[^A-Za-z0-9]+/g, '-')}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    process.stderr.write(`[bench] CPU profile of "${name}" (ours): ${file}\n`);
  }
}
