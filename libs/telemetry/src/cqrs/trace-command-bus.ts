import { SpanKind } from '@opentelemetry/api';
import type { CommandBus, ICommand } from '@nestjs/cqrs';
import { traced } from '../tracing/tracer';

/** The ids a command names, as span attributes (a command of the labs or workers context names its worker). */
function attributesOf(command: ICommand): Record<string, string> {
  const attributes: Record<string, string> = { 'cqrs.command': command.constructor.name };
  const { workerId, labId } = command as { workerId?: unknown; labId?: unknown };
  if (typeof workerId === 'string') attributes['cml.worker.id'] = workerId;
  if (typeof labId === 'string') attributes['cml.lab.id'] = labId;
  return attributes;
}

/**
 * Wraps the bus's `execute` so that every command runs in a span named after its class, a child of the
 * span that sent it (a request, a job, another command, a saga). @nestjs/cqrs has no hook around
 * execution, and the bus is one instance for the whole app, so this covers every caller.
 */
export function traceCommandBus(bus: CommandBus): void {
  const execute = bus.execute.bind(bus) as (command: ICommand, ...rest: unknown[]) => Promise<unknown>;
  const tracedExecute = (command: ICommand, ...rest: unknown[]): Promise<unknown> =>
    traced(command.constructor.name, { kind: SpanKind.INTERNAL, attributes: attributesOf(command) }, () =>
      execute(command, ...rest),
    );
  (bus as unknown as { execute: typeof tracedExecute }).execute = tracedExecute;
}
