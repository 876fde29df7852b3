import { Test } from '@nestjs/testing';
import { Command, CommandBus, CommandHandler, CqrsModule, ICommandHandler } from '@nestjs/cqrs';
import { SpanStatusCode } from '@opentelemetry/api';
import { startInMemoryTracing } from '../testing/in-memory-tracing';
import { traced } from '../tracing/tracer';
import { traceCommandBus } from './trace-command-bus';

class DeleteThingCommand extends Command<string> {
  constructor(
    readonly workerId: string,
    readonly labId: string,
    readonly fail = false,
  ) {
    super();
  }
}

class OuterCommand extends Command<string> {}

@CommandHandler(DeleteThingCommand)
class DeleteThingHandler implements ICommandHandler<DeleteThingCommand> {
  async execute(command: DeleteThingCommand): Promise<string> {
    if (command.fail) throw new RangeError('the password is hunter2');
    return traced('inside', {}, async () => `deleted ${command.labId}`);
  }
}

@CommandHandler(OuterCommand)
class OuterHandler implements ICommandHandler<OuterCommand> {
  constructor(private readonly bus: CommandBus) {}
  execute(): Promise<string> {
    return this.bus.execute(new DeleteThingCommand('w-1', 'l-2'));
  }
}

describe('traceCommandBus', () => {
  it('runs every command in a span named after its class, nested as the commands are', async () => {
    const tracing = startInMemoryTracing();
    const moduleRef = await Test.createTestingModule({
      imports: [CqrsModule.forRoot()],
      providers: [DeleteThingHandler, OuterHandler],
    }).compile();
    await moduleRef.init();
    try {
      const bus = moduleRef.get(CommandBus);
      traceCommandBus(bus);
      await expect(bus.execute(new OuterCommand())).resolves.toBe('deleted l-2');
      const outer = tracing.spans.one('OuterCommand');
      const inner = tracing.spans.one('DeleteThingCommand');
      expect(tracing.spans.parentOf(inner)).toBe(outer);
      expect(tracing.spans.parentOf(tracing.spans.one('inside'))).toBe(inner);
      expect(inner.attributes).toEqual({
        'cqrs.command': 'DeleteThingCommand',
        'cml.worker.id': 'w-1',
        'cml.lab.id': 'l-2',
      });

      await expect(bus.execute(new DeleteThingCommand('w-1', 'l-3', true))).rejects.toThrow(RangeError);
      const failed = tracing.spans
        .named('DeleteThingCommand')
        .find((s) => s.attributes['cml.lab.id'] === 'l-3')!;
      expect(failed.status).toEqual({ code: SpanStatusCode.ERROR, message: 'RangeError' });
      expect(failed.attributes['error.type']).toBe('RangeError');
      expect(JSON.stringify(failed.events)).not.toContain('hunter2');
    } finally {
      await moduleRef.close();
      await tracing.stop();
    }
  });
});
