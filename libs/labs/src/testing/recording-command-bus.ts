import { Type } from '@nestjs/common';
import { CommandBus, ICommand } from '@nestjs/cqrs';

type Answer = (command: ICommand) => unknown;

/**
 * A CommandBus for specs: keeps every command it is given, in order, and answers each with the
 * function registered for its class (`answer`); a command without one resolves to undefined.
 */
export class RecordingCommandBus extends CommandBus {
  readonly executed: ICommand[] = [];
  private readonly answers = new Map<Type<ICommand>, Answer>();

  constructor() {
    super(undefined as never);
  }

  /** How commands of this class are answered: the function's result (or rejection) is the bus's. */
  answer<C extends ICommand>(type: Type<C>, fn: (command: C) => unknown): this {
    this.answers.set(type, fn as Answer);
    return this;
  }

  /** The commands of one class that were executed, in order. */
  executedOf<C extends ICommand>(type: Type<C>): C[] {
    return this.executed.filter((c): c is C => c instanceof type);
  }

  override async execute(command: ICommand): Promise<never> {
    this.executed.push(command);
    const answer = this.answers.get(command.constructor as Type<ICommand>);
    return (answer ? await answer(command) : undefined) as never;
  }
}
