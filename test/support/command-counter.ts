import { INestApplication } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import { Connection } from 'mongoose';

const WRITE_COMMANDS = new Set(['insert', 'update', 'delete', 'findAndModify']);

/** Counts the database commands the app's own connection sends (MongoDB driver command monitoring). */
export class CommandCounter {
  readonly commands: string[] = [];
  private readonly listener = (event: { commandName: string }) => this.commands.push(event.commandName);

  constructor(private readonly app: INestApplication) {
    this.connection().getClient().on('commandStarted', this.listener);
  }

  get writes(): number {
    return this.commands.filter((c) => WRITE_COMMANDS.has(c)).length;
  }

  reset(): void {
    this.commands.length = 0;
  }

  stop(): void {
    this.connection().getClient().off('commandStarted', this.listener);
  }

  private connection(): Connection {
    return this.app.get<Connection>(getConnectionToken());
  }
}
