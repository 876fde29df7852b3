/**
 * Issue 14: what one hourly tombstone purge costs on embedded FerretDB (SQLite) at 100 workers x 1,000 labs with
 * 1,000 settled tombstones older than the retention, with the purge's filter before `removedAt`
 * (`{removal: {$ne: null}, 'removal.at': {$lt}, outboxDue: null, outboxHasDead: {$ne: true}}`) and with today's
 * (MongoLabEventOutbox.purgeTombstones, on `removedAt`). Also times the one-time RemovedAtBackfill of 1,000 legacy
 * tombstones at that size. Seeds a fresh FerretDB with records written by the real mapper on the real
 * LabRecordSchema indexes; each run puts the 1,000 tombstones back, then times one purge (wall ms and FerretDB's
 * CPU seconds from /proc), "before" and "after" alternating.
 *
 *   npx ts-node -r tsconfig-paths/register --transpile-only bench/purge-tombstones.ts \
 *     [--binary PATH] [--workers 100] [--labs 1000] [--runs 3]
 *
 * Not one of `npm run bench`'s scenarios. No assertions about time: it prints what it measured.
 */
import 'reflect-metadata';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import mongoose, { Model } from 'mongoose';
import {
  ensureFerretDbInstalled,
  ferretDbBinaryPath,
  findRepoRoot,
  startEmbeddedFerretDb,
} from '@app/dev-infra';
import { CmlLabSnapshot, LabRecord } from '@app/labs';
import { labRecordToDocument } from '../libs/labs/src/infrastructure/persistence/mongo/lab-record.mapper';
import {
  LabRecordDocument,
  LabRecordSchema,
} from '../libs/labs/src/infrastructure/persistence/mongo/lab-record.schema';
import { MongoLabEventOutbox } from '../libs/labs/src/infrastructure/persistence/mongo/mongo-lab-event-outbox';
import {
  REMOVED_AT_BACKFILL,
  RemovedAtBackfill,
  schemaMigrationModel,
} from '../libs/labs/src/infrastructure/persistence/mongo/removed-at-backfill';
import { loadNote, processCpuSeconds } from './support/proc-stats';
import {
  benchLabId as labId,
  benchWorkerId as workerId,
  parseFerretDbBenchArgs,
} from './support/ferretdb-bench-options';

/** Every 100th record is a tombstone: 1 % of them, 1,000 at 100 x 1,000. */
const isTombstone = (l: number): boolean => l % 100 === 7;

function snapshot(l: number, w: number): CmlLabSnapshot {
  return {
    id: labId(l),
    state: l % 3 === 0 ? 'STARTED' : 'STOPPED',
    created: '2026-01-01T00:00:00+00:00',
    modified: '2026-01-02T00:00:00+00:00',
    title: `Lab ${l} of worker ${w}`,
    description: 'A lab used for the benchmark; about the size of a short real description.',
    notes: '',
    owner: `owner-${l % 20}`,
    ownerUsername: `user${l % 20}`,
    ownerFullname: `User ${l % 20}`,
    nodeCount: l % 12,
    linkCount: l % 9,
    groups: [{ id: `group-${l % 4}`, permission: 'read_only' }],
  };
}

/** As the repository writes it, without sinks: a tombstone's events are settled (outboxDue null). */
function document(w: number, l: number, seenAt: Date, removedAt: Date): LabRecordDocument {
  const record = LabRecord.discovered(workerId(w), snapshot(l, w), seenAt);
  if (isTombstone(l)) record.markDeleted({ deletedBy: 'bench', alreadyAbsentInCml: false, now: removedAt });
  return { ...labRecordToDocument(record), fence: 1, writeId: 'seed' };
}

interface Sample {
  ms: number;
  cpuS: number;
  deleted: number;
}

function summary(samples: Sample[]): string {
  const sorted = <T>(xs: T[], by: (x: T) => number) => [...xs].sort((a, b) => by(a) - by(b));
  const median = (xs: number[]) => sorted(xs, (x) => x)[Math.floor(xs.length / 2)];
  const ms = samples.map((s) => s.ms);
  const cpu = samples.map((s) => s.cpuS);
  return (
    `${median(ms).toFixed(0)} ms (${ms.map((x) => x.toFixed(0)).join(', ')}) | ` +
    `${median(cpu).toFixed(2)} s (${cpu.map((x) => x.toFixed(2)).join(', ')}) | ${samples[0].deleted}`
  );
}

async function main(): Promise<void> {
  const opts = parseFerretDbBenchArgs(process.argv.slice(2), 'bench/purge-tombstones.ts', 3);
  const repoRoot = findRepoRoot(__dirname);
  if (!opts.binary) ensureFerretDbInstalled(repoRoot);
  const binary = path.resolve(opts.binary ?? ferretDbBinaryPath(repoRoot));
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ferretdb-purge-bench-'));
  const ferretDb = await startEmbeddedFerretDb({ dataDir, repoRoot, binary });
  const ferretPid = Number(readFileSync(path.join(dataDir, 'ferretdb.pid'), 'utf8').trim());
  const ferretCpu = (): number => processCpuSeconds(ferretPid) ?? Number.NaN;
  const connection = await mongoose.createConnection(`${ferretDb.uri}bench`).asPromise();
  try {
    const model: Model<LabRecordDocument> = connection.model(LabRecordDocument.name, LabRecordSchema);
    await model.init(); // the schema's indexes, lab_removed_at among them
    const records = connection.db!.collection<LabRecordDocument>('lab_records');
    const seenAt = new Date('2026-01-01T00:00:00.000Z');
    const removedAt = new Date('2026-01-02T00:00:00.000Z');
    const before = new Date('2026-02-01T00:00:00.000Z');

    const seedStart = performance.now();
    const tombstones: LabRecordDocument[] = [];
    for (let w = 0; w < opts.workers; w++) {
      const docs = Array.from({ length: opts.labs }, (_, l) => document(w, l, seenAt, removedAt));
      await records.insertMany(docs);
      tombstones.push(...docs.filter((d) => d.removal !== null));
    }
    const seedMs = performance.now() - seedStart;
    const total = opts.workers * opts.labs;
    const restoreTombstones = async () => {
      await records.deleteMany({ _id: { $in: tombstones.map((t) => t._id) } });
      await records.insertMany(tombstones.map((t) => ({ ...t })));
    };

    // The one-time backfill: the same tombstones as an older version stored them (no removedAt), no marker.
    await records.updateMany({ _id: { $in: tombstones.map((t) => t._id) } }, { $unset: { removedAt: '' } });
    const backfillCpu0 = ferretCpu();
    const backfillStart = performance.now();
    const backfill = await new RemovedAtBackfill(model).run();
    const backfillMs = performance.now() - backfillStart;
    const backfillCpuS = ferretCpu() - backfillCpu0;
    const markerStart = performance.now();
    const skipped = await new RemovedAtBackfill(model).run();
    const markerMs = performance.now() - markerStart;
    if (!skipped.skipped) throw new Error('the backfill ran again with its marker written');
    if ((await schemaMigrationModel(model).countDocuments({ _id: REMOVED_AT_BACKFILL })) !== 1) {
      throw new Error('no backfill marker');
    }

    const outbox = new MongoLabEventOutbox(model);
    await outbox.purgeTombstones(new Date(0)); // sees the marker once; deletes nothing
    const purges: Record<'before' | 'after', () => Promise<number>> = {
      // The filter of MongoLabEventOutbox.purgeTombstones before removedAt.
      before: async () =>
        (
          await model
            .deleteMany({
              removal: { $ne: null },
              'removal.at': { $lt: before },
              outboxDue: null,
              outboxHasDead: { $ne: true },
            })
            .exec()
        ).deletedCount,
      after: () => outbox.purgeTombstones(before),
    };
    const samples: Record<'before' | 'after', Sample[]> = { before: [], after: [] };
    for (let run = 0; run < opts.runs; run++) {
      for (const name of ['before', 'after'] as const) {
        await restoreTombstones();
        const cpu0 = ferretCpu();
        const start = performance.now();
        const deleted = await purges[name]();
        samples[name].push({ ms: performance.now() - start, cpuS: ferretCpu() - cpu0, deleted });
        if (deleted !== tombstones.length)
          throw new Error(`${name} purged ${deleted}, not ${tombstones.length}`);
        process.stderr.write(`run ${run + 1} ${name}: ${samples[name].at(-1)!.ms.toFixed(0)} ms\n`);
      }
    }

    console.log(
      `FerretDB ${binary} (SQLite), ${opts.workers} workers x ${opts.labs} labs = ${total} lab records, ` +
        `${tombstones.length} settled tombstones older than the retention`,
    );
    console.log(
      `seeded in ${(seedMs / 1000).toFixed(1)} s; ${opts.runs} runs each, alternating; ${loadNote()}\n`,
    );
    console.log('| purge filter | wall, median (runs) | FerretDB CPU, median (runs) | deleted |');
    console.log('|---|---:|---:|---:|');
    console.log(`| before: \`removal.at\` (no index narrows it) | ${summary(samples.before)} |`);
    console.log(`| after: \`removedAt\` (lab_removed_at) | ${summary(samples.after)} |`);
    console.log(
      `\nRemovedAtBackfill, once per database: ${backfill.updated} legacy tombstones in ` +
        `${backfillMs.toFixed(0)} ms (FerretDB ${backfillCpuS.toFixed(2)} CPU s); ` +
        `with its marker: ${markerMs.toFixed(1)} ms (one _id read)`,
    );
  } finally {
    await connection.close();
    await ferretDb.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
