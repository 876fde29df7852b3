import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FERRETDB_GOGC, findRepoRoot, startEmbeddedFerretDb } from './ferretdb-process';

/** The environment the embedded FerretDB runs with, read from /proc through the pid file it leaves. */
function environmentOf(dataDir: string): Map<string, string> {
  const pid = readFileSync(path.join(dataDir, 'ferretdb.pid'), 'utf8').trim();
  const entries = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
  return new Map(entries.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
}

describe('startEmbeddedFerretDb (a real FerretDB process)', () => {
  const saved = process.env.GOGC;
  afterEach(() => {
    if (saved === undefined) delete process.env.GOGC;
    else process.env.GOGC = saved;
  });

  it.each([
    ['runs it with our GC target when GOGC is not set', undefined, FERRETDB_GOGC],
    ['leaves a GOGC the operator set alone', '150', '150'],
  ])('%s', async (_name, given, expected) => {
    if (given === undefined) delete process.env.GOGC;
    else process.env.GOGC = given;
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ferretdb-env-'));
    const ferret = await startEmbeddedFerretDb({ dataDir, repoRoot: findRepoRoot(__dirname) });
    try {
      expect(environmentOf(dataDir).get('GOGC')).toBe(expected);
    } finally {
      await ferret.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
