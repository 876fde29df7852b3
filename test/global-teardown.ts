import { rmSync } from 'node:fs';
import { type TestFerretDbGlobal } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  const holder = globalThis as TestFerretDbGlobal;
  const ferretDb = holder.__cmlTestFerretDb;
  if (!ferretDb) return;
  delete holder.__cmlTestFerretDb;
  try {
    await ferretDb.stop();
  } finally {
    rmSync(ferretDb.dataDir, { recursive: true, force: true });
  }
}
