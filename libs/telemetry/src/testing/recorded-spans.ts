import { InMemorySpanExporter, ReadableSpan } from '@opentelemetry/sdk-trace';

/**
 * The spans an app made, kept in memory (the SDK's InMemorySpanExporter): pass `exporter` to the app's
 * tracing options, then look at what it recorded.
 */
export class RecordedSpans {
  readonly exporter = new InMemorySpanExporter();

  get all(): ReadableSpan[] {
    return this.exporter.getFinishedSpans();
  }

  named(name: string | RegExp): ReadableSpan[] {
    return this.all.filter((s) => (typeof name === 'string' ? s.name === name : name.test(s.name)));
  }

  /** The one span with this name; fails when there is none or more than one. */
  one(name: string | RegExp, where: (span: ReadableSpan) => boolean = () => true): ReadableSpan {
    const found = this.named(name).filter(where);
    if (found.length !== 1) {
      throw new Error(`expected one span ${String(name)}, found ${found.length}: ${this.describe()}`);
    }
    return found[0];
  }

  ofTrace(traceId: string): ReadableSpan[] {
    return this.all.filter((s) => s.spanContext().traceId === traceId);
  }

  parentOf(span: ReadableSpan): ReadableSpan | undefined {
    const parentId = span.parentSpanContext?.spanId;
    return parentId ? this.all.find((s) => s.spanContext().spanId === parentId) : undefined;
  }

  /** Whether `ancestor` is `span`'s parent, grandparent, ... */
  isDescendant(span: ReadableSpan, ancestor: ReadableSpan): boolean {
    for (let p = this.parentOf(span); p; p = this.parentOf(p)) {
      if (p.spanContext().spanId === ancestor.spanContext().spanId) return true;
    }
    return false;
  }

  reset(): void {
    this.exporter.reset();
  }

  describe(): string {
    return this.all.map((s) => `${s.name} [${s.spanContext().traceId.slice(0, 8)}]`).join(', ');
  }
}

/** `00-<trace id>-<span id>-01` of a recorded span. */
export function traceparentOf(span: ReadableSpan): string {
  const { traceId, spanId } = span.spanContext();
  return `00-${traceId}-${spanId}-01`;
}
