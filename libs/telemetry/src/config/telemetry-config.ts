import { z } from 'zod';
import { ConfigValidationError } from '@app/common';
import { optionalString, problemOf } from '@app/common/config/env-schemas';
import { isHttpUrlWithoutCredentials } from '@app/common/config/url-checks';

export const TRACES_SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;

export type TracesSampler = (typeof TRACES_SAMPLERS)[number];

/** Tracing's settings, read from the standard OpenTelemetry variables. */
export interface TelemetryConfig {
  /** Where spans go, or null: tracing off (only the no-op API remains). */
  tracesEndpoint: string | null;
  serviceName: string;
  /** OTEL_RESOURCE_ATTRIBUTES, decoded. `service.name` comes from serviceName, not from here. */
  resourceAttributes: Record<string, string>;
  sampler: TracesSampler;
  /** The ratio of the traceidratio samplers, in [0, 1]. */
  samplerRatio: number;
}

const URL_MESSAGE = 'must be an http:// or https:// URL without user:password';

/**
 * Spans are sent as OTLP/HTTP JSON, which every collector's OTLP/HTTP receiver (port 4318) accepts
 * beside protobuf; gRPC is another port and another transport, so asking for it is a mistake to
 * report at start rather than a stream of failed exports.
 */
const otlpProtocol = optionalString.refine(
  (v) => v === undefined || v === 'http/json' || v === 'http/protobuf',
  'must be http/json or http/protobuf (spans are sent as OTLP/HTTP JSON; grpc is not supported)',
);

const envSchema = z.object({
  OTEL_SDK_DISABLED: z.enum(['true', 'false'], { error: 'must be true or false' }).default('false'),
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalString.refine(
    (v) => v === undefined || isHttpUrlWithoutCredentials(v),
    URL_MESSAGE,
  ),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optionalString.refine(
    (v) => v === undefined || isHttpUrlWithoutCredentials(v),
    URL_MESSAGE,
  ),
  OTEL_EXPORTER_OTLP_PROTOCOL: otlpProtocol,
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: otlpProtocol,
  OTEL_SERVICE_NAME: optionalString,
  OTEL_RESOURCE_ATTRIBUTES: optionalString.refine(
    (v) => v === undefined || resourceAttributesOf(v) !== null,
    'must be key=value pairs separated by commas (values percent-encoded)',
  ),
  OTEL_TRACES_SAMPLER: z
    .enum(TRACES_SAMPLERS, { error: `must be one of ${TRACES_SAMPLERS.join(', ')}` })
    .default('parentbased_always_on'),
  OTEL_TRACES_SAMPLER_ARG: optionalString.refine(
    (v) => v === undefined || (/^\d*\.?\d+$/.test(v) && Number(v) <= 1),
    'must be a ratio from 0 to 1',
  ),
});

/** `k1=v1,k2=v%20two` → {k1: 'v1', k2: 'v two'}, or null when a pair is malformed. */
function resourceAttributesOf(value: string): Record<string, string> | null {
  const attributes: Record<string, string> = {};
  for (const pair of value.split(',')) {
    if (pair.trim() === '') continue;
    const at = pair.indexOf('=');
    if (at <= 0) return null;
    const key = pair.slice(0, at).trim();
    try {
      attributes[key] = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      return null;
    }
    if (key === '') return null;
  }
  return attributes;
}

/**
 * The signal-specific endpoint is used as given; the generic one gets `/v1/traces` appended, as the
 * OpenTelemetry specification says for OTLP/HTTP.
 */
function tracesEndpointOf(generic: string | undefined, specific: string | undefined): string | null {
  if (specific) return specific;
  if (generic) return `${generic.replace(/\/+$/, '')}/v1/traces`;
  return null;
}

/**
 * Reads the OpenTelemetry variables once at start. Tracing is on only when an OTLP endpoint is set
 * (and OTEL_SDK_DISABLED is not true). Every wrong variable is reported in one message.
 * @param defaultServiceName the app's name when OTEL_SERVICE_NAME is unset (`cml-labs-api`, `cml-labs-audit`)
 */
export function loadTelemetryConfig(
  defaultServiceName: string,
  env: NodeJS.ProcessEnv = process.env,
): TelemetryConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new ConfigValidationError(parsed.error.issues.map(problemOf));
  const e = parsed.data;
  const { 'service.name': serviceNameAttribute, ...resourceAttributes } = e.OTEL_RESOURCE_ATTRIBUTES
    ? (resourceAttributesOf(e.OTEL_RESOURCE_ATTRIBUTES) ?? {})
    : {};
  return {
    tracesEndpoint:
      e.OTEL_SDK_DISABLED === 'true'
        ? null
        : tracesEndpointOf(e.OTEL_EXPORTER_OTLP_ENDPOINT, e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT),
    // The specification: OTEL_SERVICE_NAME wins over a service.name in OTEL_RESOURCE_ATTRIBUTES.
    serviceName: e.OTEL_SERVICE_NAME ?? serviceNameAttribute ?? defaultServiceName,
    resourceAttributes,
    sampler: e.OTEL_TRACES_SAMPLER,
    samplerRatio: e.OTEL_TRACES_SAMPLER_ARG === undefined ? 1 : Number(e.OTEL_TRACES_SAMPLER_ARG),
  };
}
