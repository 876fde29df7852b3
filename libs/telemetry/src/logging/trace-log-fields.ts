import { activeSpanIds } from '../tracing/traceparent';

/**
 * A pino `mixin`: the trace id and span id of the active span on every line written inside one (the
 * same camelCase as `correlationId`, `workerId`), nothing outside a span or with tracing off.
 */
export function traceLogFields(): Record<string, string> {
  return activeSpanIds() ?? {};
}
