import { execFileSync } from 'node:child_process';
import { BuildInfo, DatabaseWriteSemantics, writeSemanticsOf } from '@app/common';

/** Prints the `buildInfo` of MONGODB_URI's server as JSON (run in a child process: see below). */
const PRINT_BUILD_INFO = `
const { MongoClient } = require('mongodb');
(async () => {
  const client = await MongoClient.connect(process.env.MONGODB_URI, { serverSelectionTimeoutMS: 10000 });
  try {
    const info = await client.db('admin').command({ buildInfo: 1 });
    process.stdout.write(JSON.stringify({ version: info.version, ferretdbVersion: info.ferretdbVersion }));
  } finally {
    await client.close();
  }
})().catch((error) => { console.error(error.message); process.exit(1); });
`;

/**
 * What the test database's conditional writes guarantee (writeSemanticsOf its `buildInfo`, MONGODB_CONDITIONAL_WRITES
 * as `auto`), known while jest collects the tests: a spec that is only exact on one kind of server can then be
 * declared with `it` or `it.skip` and a name that says why it was skipped. Jest declares tests synchronously, before
 * any `beforeAll` runs, so the question is asked in a child process, once per call (about 0.3 s); the spec's own
 * connection should confirm the answer in its `beforeAll`.
 */
export function testDatabaseWriteSemantics(): DatabaseWriteSemantics {
  const uri = process.env.MONGODB_URI;
  if (!uri)
    throw new Error(
      'MONGODB_URI is not set: run the tests through jest (test/global-setup.ts starts FerretDB)',
    );
  const out = execFileSync(process.execPath, ['-e', PRINT_BUILD_INFO], {
    env: { ...process.env, MONGODB_URI: uri },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return writeSemanticsOf(JSON.parse(out) as BuildInfo, 'auto');
}
