import { TelemetryConfig } from '../config/telemetry-config';
import { startTracing } from '../tracing/start-tracing';
import { RecordedSpans } from './recorded-spans';

/** Tracing on for a spec, every span kept in memory; `stop()` unregisters it again (afterEach/afterAll). */
export function startInMemoryTracing(config: Partial<TelemetryConfig> = {}): {
  spans: RecordedSpans;
  stop(): Promise<void>;
} {
  const spans = new RecordedSpans();
  const tracing = startTracing(
    {
      tracesEndpoint: null,
      serviceName: 'cml-labs-test',
      resourceAttributes: {},
      sampler: 'parentbased_always_on',
      samplerRatio: 1,
      ...config,
    },
    { exporter: spans.exporter },
  )!;
  return { spans, stop: () => tracing.shutdown() };
}
