/**
 * Issue 14: what the hot paths' filters cost on embedded FerretDB (SQLite) at 100 workers x 1,000 labs, with or
 * without scripts/ferretdb-patches/0003 (indexed filter pushdown). Seeds a fresh FerretDB with lab records shaped
 * like the real ones (the real lab_records indexes, 1 % of them tombstones with a pending outbox delivery, a few
 * dead), then times each query (after one untimed run) several times and prints the median and the fastest run.
 *
 *   npx ts-node -r tsconfig-paths/register --transpile-only bench/ferretdb-index-pushdown.ts \
 *     [--binary PATH] [--workers 100] [--labs 1000] [--runs 5]
 *
 * --binary defaults to FERRETDB_BINARY or the installed .tools/ferretdb/bin/ferretdb; pass a build without the
 * patch to get the "before" numbers. No assertions about time: it prints what it measured.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { type Document, type Filter, MongoClient } from 'mongodb';
import {
  ensureFerretDbInstalled,
  ferretDbBinaryPath,
  findRepoRoot,
  startEmbeddedFerretDb,
} from '@app/dev-infra';
import {
  benchLabId as labId,
  benchWorkerId as workerId,
  parseFerretDbBenchArgs,
} from './support/ferretdb-bench-options';
import { purgeableTombstones } from '../libs/labs/src/infrastructure/persistence/mongo/mongo-lab-event-outbox';

/** A lab record as labRecordToDocument writes it; every 100th is a tombstone with a pending delivery. */
function labRecord(w: number, l: number, now: Date): Document {
  const tombstone = l % 100 === 7;
  const dead = l % 500 === 7;
  return {
    _id: `${workerId(w)}:${labId(l)}`,
    workerId: workerId(w),
    labId: labId(l),
    title: `Lab ${l} of worker ${w}`,
    description: 'A lab used for the benchmark; about the size of a short real description.',
    notes: '',
    state: l % 3 === 0 ? 'STARTED' : 'STOPPED',
    owner: `owner-${l % 20}`,
    ownerUsername: `user${l % 20}`,
    ownerFullname: `User ${l % 20}`,
    nodeCount: l % 12,
    linkCount: l % 9,
    groups: [{ id: `group-${l % 4}`, permission: 'read_only' }],
    cmlCreatedAt: '2026-01-01T00:00:00+00:00',
    cmlModifiedAt: '2026-01-02T00:00:00+00:00',
    firstSeenAt: now,
    lastSyncedAt: now,
    version: 1,
    removal: tombstone
      ? {
          kind: 'deleted',
          at: now,
          event: { eventId: `event-${w}-${l}`, type: 'lab.deleted', workerId: workerId(w), labId: labId(l) },
          deliveries: [
            { sink: 0, status: dead ? 'dead' : 'pending', attempts: 1, replays: 0, nextAttemptAt: now },
          ],
        }
      : null,
    removedAt: tombstone ? now : null,
    outboxDue: tombstone && !dead ? new Date(now.getTime() - 1_000) : null,
    ...(dead ? { outboxHasDead: true } : {}),
    pendingOrphan: l % 250 === 3 ? { detectedAt: now, lastConfirmedAt: now } : null,
    fence: 1,
    writeId: 'seed',
  };
}

interface Timing {
  name: string;
  docs: number;
  medianMs: number;
  minMs: number;
}

async function main(): Promise<void> {
  const opts = parseFerretDbBenchArgs(process.argv.slice(2), 'bench/ferretdb-index-pushdown.ts', 5);
  const repoRoot = findRepoRoot(__dirname);
  if (!opts.binary) ensureFerretDbInstalled(repoRoot);
  const binary = path.resolve(opts.binary ?? ferretDbBinaryPath(repoRoot));
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ferretdb-pushdown-bench-'));
  const ferretDb = await startEmbeddedFerretDb({ dataDir, repoRoot, binary });
  const client = await new MongoClient(ferretDb.uri).connect();
  try {
    const labs = client.db('bench').collection('lab_records');
    // The indexes of LabRecordSchema (libs/labs/src/infrastructure/persistence/mongo/lab-record.schema.ts).
    await labs.createIndex({ workerId: 1, labId: 1 }, { name: 'lab_worker_lab' });
    await labs.createIndex({ outboxDue: 1 }, { name: 'lab_outbox_due' });
    await labs.createIndex({ outboxHasDead: 1 }, { name: 'lab_outbox_dead' });
    await labs.createIndex({ removedAt: 1 }, { name: 'lab_removed_at' });
    await labs.createIndex({ 'removal.event.eventId': 1 }, { name: 'lab_removal_event' });

    const now = new Date();
    const seedStart = performance.now();
    for (let w = 0; w < opts.workers; w++) {
      await labs.insertMany(Array.from({ length: opts.labs }, (_, l) => labRecord(w, l, now)));
    }
    const total = opts.workers * opts.labs;
    const seedMs = performance.now() - seedStart;

    const mid = Math.floor(opts.workers / 2);
    const find = (filter: Filter<Document>) => async (): Promise<number> =>
      (await labs.find(filter).toArray()).length;
    let version = 1;
    const cases: [name: string, run: () => Promise<number>][] = [
      ['findByWorker {workerId}', find({ workerId: workerId(mid) })],
      [
        'findPendingOrphans {workerId, removal: null, pendingOrphan: {$ne: null}}',
        find({ workerId: workerId(mid), removal: null, pendingOrphan: { $ne: null } }),
      ],
      ['findOne {_id}', find({ _id: `${workerId(mid)}:${labId(1)}` as never })],
      [
        'saveChanges updateOne {_id, version, removal: null, fence: {$lte}}',
        async () =>
          (
            await labs.updateOne(
              {
                _id: `${workerId(mid)}:${labId(2)}` as never,
                version: version++,
                removal: null,
                fence: { $lte: 1 },
              },
              { $inc: { version: 1 } },
            )
          ).modifiedCount,
      ],
      ['outbox findDue {outboxDue: {$lte: now}} (relay sweep)', find({ outboxDue: { $lte: now } })],
      [
        'outbox count pending {outboxDue: {$ne: null}} (metrics)',
        () => labs.countDocuments({ outboxDue: { $ne: null } }),
      ],
      [
        'outbox count dead {outboxHasDead: true} (metrics)',
        () => labs.countDocuments({ outboxHasDead: true }),
      ],
      [
        'purgeTombstones filter {removedAt: {$lt}, ...}',
        () => labs.countDocuments(purgeableTombstones(new Date(0))),
      ],
      [
        'purgeTombstones filter before removedAt (not pushed down)',
        () =>
          labs.countDocuments({
            removal: { $ne: null },
            'removal.at': { $lt: new Date(0) },
            outboxDue: null,
            outboxHasDead: { $ne: true },
          }),
      ],
    ];

    const timings: Timing[] = [];
    for (const [name, run] of cases) {
      const samples: number[] = [];
      let docs = await run(); // warm-up, not timed
      for (let i = 0; i < opts.runs; i++) {
        const start = performance.now();
        docs = await run();
        samples.push(performance.now() - start);
      }
      samples.sort((a, b) => a - b);
      timings.push({ name, docs, medianMs: samples[Math.floor(samples.length / 2)], minMs: samples[0] });
    }

    console.log(
      `FerretDB ${binary} (SQLite), ${opts.workers} workers x ${opts.labs} labs = ${total} lab records`,
    );
    console.log(
      `seeded in ${(seedMs / 1000).toFixed(1)} s; ${opts.runs} runs each; ${os.cpus().length} CPUs\n`,
    );
    console.log('| query | result | median ms | fastest ms |');
    console.log('|---|---:|---:|---:|');
    for (const t of timings) {
      console.log(`| ${t.name} | ${t.docs} | ${t.medianMs.toFixed(1)} | ${t.minMs.toFixed(1)} |`);
    }
  } finally {
    await client.close();
    await ferretDb.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
