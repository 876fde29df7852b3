import type { MongoClient } from 'mongodb';

const WRITE_COMMANDS = new Set(['insert', 'update', 'delete', 'findAndModify']);

interface Started {
  commandName: string;
  requestId: number;
  command: Record<string, unknown>;
}
interface Succeeded {
  commandName: string;
  requestId: number;
  reply: unknown;
}

export interface DbCounts {
  /** Every command the connection sent, including reads, leases and the worker's sync status. */
  commands: number;
  /** Write commands to the lab records collection (one bulkWrite of inserts and updates is 2 commands). */
  labWriteCommands: number;
  /** Documents written to the lab records collection, from the replies (not from what was asked). */
  labDocsWritten: number;
  /** Documents written to any collection. */
  docsWritten: number;
  byCommand: Record<string, number>;
}

/**
 * Counts what one MongoClient sends with driver command monitoring (the client must have been created with
 * monitorCommands). Documents written are taken from the replies, so an update that matched but changed
 * nothing counts 0, as the target "steady state writes 0 documents" needs.
 */
export class DbMonitor {
  private counts = DbMonitor.zero();
  private readonly targets = new Map<number, { name: string; collection: string }>();
  private readonly onStarted = (e: Started): void => {
    const collection = String(e.command[e.commandName] ?? '');
    this.targets.set(e.requestId, { name: e.commandName, collection });
    this.counts.commands++;
    const key = `${e.commandName}:${collection}`;
    this.counts.byCommand[key] = (this.counts.byCommand[key] ?? 0) + 1;
    if (WRITE_COMMANDS.has(e.commandName) && collection === this.labCollection)
      this.counts.labWriteCommands++;
  };
  private readonly onSucceeded = (e: Succeeded): void => {
    const target = this.targets.get(e.requestId);
    this.targets.delete(e.requestId);
    if (!target || !WRITE_COMMANDS.has(target.name)) return;
    const n = documentsWritten(target.name, e.reply as Record<string, unknown>);
    this.counts.docsWritten += n;
    if (target.collection === this.labCollection) this.counts.labDocsWritten += n;
  };
  private readonly onFailed = (e: { requestId: number }): void => {
    this.targets.delete(e.requestId);
  };

  constructor(
    private readonly client: MongoClient,
    private readonly labCollection: string,
  ) {
    client.on('commandStarted', this.onStarted as never);
    client.on('commandSucceeded', this.onSucceeded as never);
    client.on('commandFailed', this.onFailed as never);
  }

  /** Returns the counts since the last take and starts over. */
  take(): DbCounts {
    const result = this.counts;
    this.counts = DbMonitor.zero();
    return result;
  }

  stop(): void {
    this.client.off('commandStarted', this.onStarted as never);
    this.client.off('commandSucceeded', this.onSucceeded as never);
    this.client.off('commandFailed', this.onFailed as never);
  }

  private static zero(): DbCounts {
    return { commands: 0, labWriteCommands: 0, labDocsWritten: 0, docsWritten: 0, byCommand: {} };
  }
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
