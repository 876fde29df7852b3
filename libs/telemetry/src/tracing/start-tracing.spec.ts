import { Logger } from '@nestjs/common';
import { context, diag, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { startInMemoryTracing } from '../testing/in-memory-tracing';
import { activeTraceparent, injectTraceHeaders, withStoredTraceContext } from './traceparent';
import { startTracing } from './start-tracing';
import { traced } from './tracer';

describe('startTracing', () => {
  it('is null and registers nothing without an endpoint or an exporter', async () => {
    expect(
      startTracing({
        tracesEndpoint: null,
        serviceName: 'x',
        resourceAttributes: {},
        sampler: 'always_on',
        samplerRatio: 1,
      }),
    ).toBeNull();
    await traced('nothing', {}, async () => {
      expect(activeTraceparent()).toBeUndefined();
      const headers: Record<string, string> = {};
      injectTraceHeaders(headers);
      expect(headers).toEqual({});
    });
  });

  it('records spans with parent/child, puts the active one in traceparent form, and unregisters at shutdown', async () => {
    const { spans, stop } = startInMemoryTracing();
    let inner: string | undefined;
    await traced('outer', {}, () => traced('inner', {}, async () => (inner = activeTraceparent())));
    const [outer, child] = [spans.one('outer'), spans.one('inner')];
    expect(spans.parentOf(child)).toBe(outer);
    expect(inner).toBe(`00-${child.spanContext().traceId}-${child.spanContext().spanId}-01`);
    await stop();
    await traced('after', {}, async () => expect(activeTraceparent()).toBeUndefined());
    expect(spans.named('after')).toHaveLength(0);
  });

  it('a stored traceparent becomes the parent of the work, however late', async () => {
    const { spans, stop } = startInMemoryTracing();
    try {
      const stored = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
      await traced('elsewhere', {}, () =>
        withStoredTraceContext(stored, () => traced('delivery', {}, async () => undefined)),
      );
      const delivery = spans.one('delivery');
      expect(delivery.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
      expect(delivery.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
      // Without one, the work stays where it is.
      await traced('request', {}, () =>
        withStoredTraceContext(undefined, () => traced('replay', {}, async () => undefined)),
      );
      expect(spans.parentOf(spans.one('replay'))).toBe(spans.one('request'));
    } finally {
      await stop();
    }
  });

  it('honours the sampler: always_off records nothing, parent-based follows the caller', async () => {
    const off = startInMemoryTracing({ sampler: 'always_off' });
    await traced('dropped', {}, async () => undefined);
    expect(off.spans.all).toHaveLength(0);
    await off.stop();

    const parentBased = startInMemoryTracing({ sampler: 'parentbased_always_on' });
    try {
      const unsampled = propagation.extract(ROOT_CONTEXT, {
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00',
      });
      let traceparent: string | undefined;
      await context.with(unsampled, () =>
        traced('not sampled', {}, async () => (traceparent = activeTraceparent())),
      );
      expect(parentBased.spans.all).toHaveLength(0);
      // Still the caller's trace, flagged not sampled, so the event's traceparent says so.
      expect(traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-00$/);
    } finally {
      await parentBased.stop();
    }
  });

  it('reports the SDK’s warnings and errors (failed exports) through the app’s logger, not its chatter', async () => {
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const { stop } = startInMemoryTracing();
    try {
      diag.error('export failed', { code: 400 });
      diag.warn('dropped spans');
      diag.info('chatter');
      expect(error).toHaveBeenCalledWith({ details: [{ code: 400 }] }, 'export failed');
      expect(warn).toHaveBeenCalledWith({ details: [] }, 'dropped spans');
      expect(error).toHaveBeenCalledTimes(1);
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      await stop();
      error.mockRestore();
      warn.mockRestore();
    }
  });

  it('lets a second app in the process share the setup until the last one shuts down', async () => {
    const first = startInMemoryTracing();
    const second = startTracing({
      tracesEndpoint: 'http://127.0.0.1:1/v1/traces',
      serviceName: 'other',
      resourceAttributes: {},
      sampler: 'always_on',
      samplerRatio: 1,
    })!;
    expect(second.serviceName).toBe('cml-labs-test');
    await second.shutdown();
    await traced('still on', {}, async () => undefined);
    expect(first.spans.named('still on')).toHaveLength(1);
    await first.stop();
    expect(trace.getActiveSpan()).toBeUndefined();
  });
});
