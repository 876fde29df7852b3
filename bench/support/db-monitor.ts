import type { MongoClient } from 'mongodb';

const WRITE_COMMANDS = new Set(['insert', 'update', 'delete', 'findAndModify']);
/** Commands that read documents of a collection (a getMore names its collection in `collection`). */
const READ_COMMANDS = new Set(['find', 'getMore', 'aggregate', 'count', 'distinct']);

interface Started {
  commandName: string;
  requestId: number;
  command: Record<string, unknown>;
}
interface Succeeded {
  commandName: string;
  requestId: number;
  reply: unknown;
  duration: number;
}

export interface DbCounts {
  /** The collection the lab figures are of. */
  labCollection: string;
  /** Every command the connection sent (each is one round trip), including leases and the worker's sync state. */
  commands: number;
  /** Commands that read the lab records collection: find, getMore, aggregate, count, distinct. */
  labReadCommands: number;
  /** Documents the lab records collection returned (cursor batches of find, getMore and aggregate). */
  labDocsRead: number;
  /** Documents returned by any collection. */
  docsRead: number;
  /** Write commands to the lab records collection (one bulkWrite of inserts and updates is 2 commands). */
  labWriteCommands: number;
  /** Documents written to the lab records collection, from the replies (not from what was asked). */
  labDocsWritten: number;
  /** Documents written to any collection. */
  docsWritten: number;
  /** Commands by `name:collection`. */
  byCommand: Record<string, number>;
  /** Documents written by collection. */
  writtenByCollection: Record<string, number>;
  /** Milliseconds the server took to answer, summed by `name:collection` (round trip as the driver saw it). */
  msByCommand: Record<string, number>;
}

/**
 * Counts what one MongoClient sends with driver command monitoring (the client must have been created with
 * monitorCommands). Documents written are taken from the replies, so an update that matched but changed
 * nothing counts 0, as the target "steady state writes 0 documents" needs. Documents read are the ones the
 * server returned; what it examined to find them (a scan on FerretDB) the driver cannot see.
 */
export class DbMonitor {
  private counts: DbCounts;
  private readonly targets = new Map<number, { name: string; collection: string; key: string }>();
  private readonly onStarted = (e: Started): void => {
    const collection = collectionOf(e.commandName, e.command);
    const key = `${e.commandName}:${collection}`;
    this.targets.set(e.requestId, { name: e.commandName, collection, key });
    this.counts.commands++;
    this.counts.byCommand[key] = (this.counts.byCommand[key] ?? 0) + 1;
    if (collection !== this.labCollection) return;
    if (WRITE_COMMANDS.has(e.commandName)) this.counts.labWriteCommands++;
    if (READ_COMMANDS.has(e.commandName)) this.counts.labReadCommands++;
  };
  private readonly onSucceeded = (e: Succeeded): void => {
    const target = this.targets.get(e.requestId);
    this.targets.delete(e.requestId);
    if (!target) return;
    this.counts.msByCommand[target.key] = (this.counts.msByCommand[target.key] ?? 0) + e.duration;
    const reply = (e.reply ?? {}) as Record<string, unknown>;
    if (READ_COMMANDS.has(target.name)) {
      const n = documentsReturned(reply);
      this.counts.docsRead += n;
      if (target.collection === this.labCollection) this.counts.labDocsRead += n;
      return;
    }
    if (!WRITE_COMMANDS.has(target.name)) return;
    const n = documentsWritten(target.name, reply);
    this.counts.docsWritten += n;
    if (n > 0)
      this.counts.writtenByCollection[target.collection] =
        (this.counts.writtenByCollection[target.collection] ?? 0) + n;
    if (target.collection === this.labCollection) this.counts.labDocsWritten += n;
  };
  private readonly onFailed = (e: { requestId: number; duration: number }): void => {
    const target = this.targets.get(e.requestId);
    this.targets.delete(e.requestId);
    if (target) this.counts.msByCommand[target.key] = (this.counts.msByCommand[target.key] ?? 0) + e.duration;
  };

  constructor(
    private readonly client: MongoClient,
    private readonly labCollection: string,
  ) {
    this.counts = DbMonitor.zero(labCollection);
    client.on('commandStarted', this.onStarted as never);
    client.on('commandSucceeded', this.onSucceeded as never);
    client.on('commandFailed', this.onFailed as never);
  }

  /** Returns the counts since the last take and starts over. */
  take(): DbCounts {
    const result = this.counts;
    this.counts = DbMonitor.zero(this.labCollection);
    return result;
  }

  stop(): void {
    this.client.off('commandStarted', this.onStarted as never);
    this.client.off('commandSucceeded', this.onSucceeded as never);
    this.client.off('commandFailed', this.onFailed as never);
  }

  private static zero(labCollection: string): DbCounts {
    return {
      labCollection,
      commands: 0,
      labReadCommands: 0,
      labDocsRead: 0,
      docsRead: 0,
      labWriteCommands: 0,
      labDocsWritten: 0,
      docsWritten: 0,
      byCommand: {},
      writtenByCollection: {},
      msByCommand: {},
    };
  }
}

function collectionOf(name: string, command: Record<string, unknown>): string {
  if (name === 'getMore') return String(command.collection ?? '');
  const target = command[name];
  return typeof target === 'string' ? target : '';
}

function documentsReturned(reply: Record<string, unknown>): number {
  const cursor = reply.cursor as { firstBatch?: unknown[]; nextBatch?: unknown[] } | undefined;
  if (cursor) return (cursor.firstBatch ?? cursor.nextBatch ?? []).length;
  if (Array.isArray(reply.values)) return reply.values.length; // distinct
  return 0; // count answers a number, not documents
}

function documentsWritten(name: string, reply: Record<string, unknown>): number {
  const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
  switch (name) {
    case 'insert':
    case 'delete':
      return num(reply.n);
    case 'update': {
      // n counts matched documents; nModified the ones actually changed, upserted the ones created.
      const upserted = Array.isArray(reply.upserted) ? reply.upserted.length : 0;
      return num(reply.nModified) + upserted;
    }
    case 'findAndModify': {
      const last = (reply.lastErrorObject ?? {}) as Record<string, unknown>;
      return num(last.n);
    }
    default:
      return 0;
  }
}
