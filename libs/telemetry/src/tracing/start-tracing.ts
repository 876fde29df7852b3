import { Logger } from '@nestjs/common';
import { context, diag, DiagLogLevel, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  Sampler,
  SimpleSpanProcessor,
  SpanExporter,
  SpanProcessor,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { TelemetryConfig } from '../config/telemetry-config';

/** A started tracing setup; shut it down once when the app closes (it flushes the spans still queued). */
export interface Tracing {
  readonly serviceName: string;
  shutdown(): Promise<void>;
}

export interface TracingOptions {
  /**
   * Where spans go instead of the OTLP endpoint, each span as soon as it ends (tests: the SDK's
   * InMemorySpanExporter). Turns tracing on even without an endpoint.
   */
  exporter?: SpanExporter;
}

function samplerOf(config: TelemetryConfig): Sampler {
  const ratio = new TraceIdRatioBasedSampler(config.samplerRatio);
  switch (config.sampler) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio;
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio });
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

/** The one setup of this process, shared by every app started in it (the demo runs the API and the audit consumer in one). */
let registered: { provider: TracerProvider; serviceName: string; users: number } | null = null;

function handleOf(entry: NonNullable<typeof registered>): Tracing {
  let closed = false;
  return {
    serviceName: entry.serviceName,
    async shutdown() {
      if (closed) return;
      closed = true;
      entry.users -= 1;
      if (entry.users > 0) return;
      registered = null;
      try {
        await entry.provider.shutdown();
      } finally {
        trace.disable();
        context.disable();
        propagation.disable();
        diag.disable();
      }
    },
  };
}

/**
 * Registers the OpenTelemetry SDK as the process's tracer provider, with the W3C trace context
 * propagator and an AsyncLocalStorage context manager, or does nothing and returns null when tracing is
 * off (no endpoint, no exporter given): then only the API's no-op implementation runs.
 *
 * Spans go to the OTLP/HTTP endpoint in batches (JSON; OTEL_EXPORTER_OTLP_HEADERS, _TIMEOUT and
 * _COMPRESSION are read by the exporter itself). A second app in the same process shares the first one's
 * setup (and its service name); the setup ends with the last one's shutdown.
 */
export function startTracing(config: TelemetryConfig, options: TracingOptions = {}): Tracing | null {
  if (!config.tracesEndpoint && !options.exporter) return null;
  if (registered) {
    registered.users += 1;
    return handleOf(registered);
  }
  const spanProcessor: SpanProcessor = options.exporter
    ? new SimpleSpanProcessor({ exporter: options.exporter })
    : new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: config.tracesEndpoint! }) });
  const provider = new TracerProvider({
    resource: defaultResource().merge(
      resourceFromAttributes({ ...config.resourceAttributes, [ATTR_SERVICE_NAME]: config.serviceName }),
    ),
    sampler: samplerOf(config),
    spanProcessors: [spanProcessor],
  });
  // Export failures are the SDK's to report: at warn and above, through the app's logger (pino, once the
  // app has it), so that a collector that is down shows in the logs like everything else.
  const logger = new Logger('OpenTelemetry');
  const ignore = () => undefined;
  diag.setLogger(
    {
      error: (message, ...args) => logger.error({ details: args }, message),
      warn: (message, ...args) => logger.warn({ details: args }, message),
      info: ignore,
      debug: ignore,
      verbose: ignore,
    },
    DiagLogLevel.WARN,
  );
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  registered = { provider, serviceName: config.serviceName, users: 1 };
  return handleOf(registered);
}
