import { Context, context, isSpanContextValid, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';

/**
 * The W3C traceparent of the active span, or undefined when there is none (tracing off, or outside any
 * span). A removal event stores it, so that its delivery, however late, joins the trace that made it.
 */
export function activeTraceparent(): string | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (!spanContext || !isSpanContextValid(spanContext)) return undefined;
  const sampled = (spanContext.traceFlags & 1) === 1 ? '01' : '00';
  return `00-${spanContext.traceId}-${spanContext.spanId}-${sampled}`;
}

/** The trace id and span id of the active span, for log lines; empty outside a span. */
export function activeSpanIds(): { traceId: string; spanId: string } | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (!spanContext || !isSpanContextValid(spanContext)) return undefined;
  return { traceId: spanContext.traceId, spanId: spanContext.spanId };
}

/**
 * Runs `work` with a stored traceparent as its parent context (the span that made a removal, for the
 * span that delivers it, however much later). Without one (an event stored with tracing off), `work`
 * stays in the active context (a replay's request, say).
 */
export function withStoredTraceContext<T>(traceparent: string | undefined, work: () => T): T {
  if (!traceparent) return work();
  const parent: Context = propagation.extract(ROOT_CONTEXT, { traceparent });
  return context.with(parent, work);
}

/** Adds the active context's `traceparent` (and `tracestate`) to outgoing HTTP headers; nothing with tracing off. */
export function injectTraceHeaders(headers: Record<string, string>): void {
  propagation.inject(context.active(), headers);
}
