import { Attributes, Span, SpanKind, SpanStatusCode, trace, Tracer } from '@opentelemetry/api';

/** The instrumentation scope of every span the service makes itself (there is no auto-instrumentation). */
export const TRACER_NAME = 'cml-labs';

/**
 * The service's tracer. With tracing off it is the API's no-op tracer: a span costs a function call and a
 * non-recording object, nothing is kept or sent.
 */
export function tracer(): Tracer {
  return trace.getTracer(TRACER_NAME);
}

/**
 * Marks a span as failed. Only the error's class goes on the span, never its message: a message can
 * name a URL or a server's answer, and spans leave the process.
 */
export function recordFailure(span: Span, error: unknown): void {
  const type = error instanceof Error ? error.name : typeof error;
  span.setAttribute('error.type', type);
  span.setStatus({ code: SpanStatusCode.ERROR, message: type });
}

export interface TracedOptions {
  kind?: SpanKind;
  attributes?: Attributes;
}

/**
 * Runs `work` in a new active span (a child of the active one), ends the span when the work settles and
 * marks it failed when the work throws. The work may add attributes to the span it is given.
 */
export function traced<T>(
  name: string,
  options: TracedOptions,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer().startActiveSpan(
    name,
    { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes },
    async (span) => {
      try {
        return await work(span);
      } catch (error) {
        recordFailure(span, error);
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/**
 * A span around one database write of a repository, named as the OpenTelemetry database conventions
 * say (`{operation} {collection}`), with the repository method that made it.
 */
export function tracedDbWrite<T>(
  collection: string,
  operation: string,
  method: string,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  return traced(
    `${operation} ${collection}`,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'db.system.name': 'mongodb',
        'db.collection.name': collection,
        'db.operation.name': operation,
        'code.function.name': method,
      },
    },
    work,
  );
}

/**
 * Method decorator: the method is one database write, traced with {@link tracedDbWrite} (its
 * `code.function.name` is `Class.method`). One line on a repository method, its body untouched.
 */
export function TracedDbWrite(collection: string, operation: string): MethodDecorator {
  return (target, key, descriptor: PropertyDescriptor) => {
    const write = descriptor.value as (...args: unknown[]) => Promise<unknown>;
    const method = `${(target as { constructor: { name: string } }).constructor.name}.${String(key)}`;
    descriptor.value = function (this: unknown, ...args: unknown[]) {
      return tracedDbWrite(collection, operation, method, () => write.apply(this, args));
    };
  };
}
