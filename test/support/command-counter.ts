import { INestApplication } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import { Connection } from 'mongoose';

const WRITE_COMMANDS = new Set(['insert', 'update', 'delete', 'findAndModify']);

/** Counts the database commands the app's own connection sends (MongoDB driver command monitoring). */
export class CommandCounter {
  readonly commands: string[] = [];
  /** `commandName:collection`, e.g. `update:lab_records`. */
  readonly targets: string[] = [];
  private readonly listener = (event: { commandName: string; command: Record<string, unknown> }) => {
    this.commands.push(event.commandName);
    this.targets.push(`${event.commandName}:${String(event.command[event.commandName])}`);
  };

  constructor(private readonly app: INestApplication) {
    this.connection().getClient().on('commandStarted', this.listener);
  }

  /** Write commands sent to one collection. */
  writesTo(collection: string): string[] {
    return this.targets.filter((t) => {
      const [name, target] = t.split(':');
      return WRITE_COMMANDS.has(name) && target === collection;
    });
  }

  reset(): void {
    this.commands.length = 0;
    this.targets.length = 0;
  }

  stop(): void {
    this.connection().getClient().off('commandStarted', this.listener);
  }

  private connection(): Connection {
    return this.app.get<Connection>(getConnectionToken());
  }
}
