import { Command } from '@nestjs/cqrs';

export class RemoveWorkerCommand extends Command<void> {
  constructor(readonly workerId: string) {
    super();
  }
}
