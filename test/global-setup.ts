/**
 * Jest global setup: one FerretDB for the whole run unless MONGODB_URI already points at a database (e.g. a real
 * MongoDB: `MONGODB_URI=mongodb://127.0.0.1:27017/ npm test`). Workers inherit process.env.MONGODB_URI; each
 * test file uses its own database (test/support/test-database.ts).
 */
import { readdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import {
  type EmbeddedFerretDb,
  ensureFerretDbInstalled,
  findRepoRoot,
  killOrphanedFerretDb,
  startEmbeddedFerretDb,
} from '../libs/dev-infra/src';

/** Read by global-teardown.ts (jest shares globalThis between the two). */
export type TestFerretDbGlobal = typeof globalThis & { __cmlTestFerretDb?: EmbeddedFerretDb };

export default async function globalSetup(): Promise<void> {
  if (process.env.MONGODB_URI) return;

  const repoRoot = findRepoRoot(__dirname);
  ensureFerretDbInstalled(repoRoot);

  const dataRoot = path.join(repoRoot, '.data');
  removeStaleDataDirs(dataRoot);
  const dataDir = path.join(dataRoot, `test-ferretdb-${process.pid}`);
  rmSync(dataDir, { recursive: true, force: true });

  const ferretDb = await startEmbeddedFerretDb({ dataDir, repoRoot });
  // Interrupted runs (Ctrl-C) skip the teardown; the FerretDB child is killed on exit by dev-infra itself.
  process.once('exit', () => rmSync(dataDir, { recursive: true, force: true }));
  process.env.MONGODB_URI = ferretDb.uri;
  (globalThis as TestFerretDbGlobal).__cmlTestFerretDb = ferretDb;
}

/** Data dirs (and FerretDB processes) left by runs killed before their teardown, e.g. by SIGKILL. */
function removeStaleDataDirs(dataRoot: string): void {
  let entries: string[];
  try {
    entries = readdirSync(dataRoot);
  } catch {
    return;
  }
  for (const entry of entries) {
    const pid = /^test-ferretdb-(\d+)$/.exec(entry)?.[1];
    if (pid && Number(pid) !== process.pid && !isAlive(Number(pid))) {
      const dir = path.join(dataRoot, entry);
      killOrphanedFerretDb(dir);
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
