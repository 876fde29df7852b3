import { ConfigValidationError } from '@app/common';
import { loadTelemetryConfig } from './telemetry-config';

describe('loadTelemetryConfig', () => {
  it('is off without an OTLP endpoint, with the app default service name and parent-based sampling', () => {
    expect(loadTelemetryConfig('cml-labs-api', {})).toEqual({
      tracesEndpoint: null,
      serviceName: 'cml-labs-api',
      resourceAttributes: {},
      sampler: 'parentbased_always_on',
      samplerRatio: 1,
    });
  });

  it('appends /v1/traces to the generic endpoint and takes the signal-specific one as given', () => {
    expect(
      loadTelemetryConfig('a', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).tracesEndpoint,
    ).toBe('http://collector:4318/v1/traces');
    expect(
      loadTelemetryConfig('a', {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example/otlp',
      }).tracesEndpoint,
    ).toBe('https://traces.example/otlp');
    expect(
      loadTelemetryConfig('a', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' })
        .tracesEndpoint,
    ).toBeNull();
  });

  it('reads the service name and the resource attributes as the specification says', () => {
    const config = loadTelemetryConfig('cml-labs-audit', {
      OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-attrs,deployment.environment.name=prod,team=net%20ops',
    });
    expect(config.serviceName).toBe('from-attrs');
    expect(config.resourceAttributes).toEqual({ 'deployment.environment.name': 'prod', team: 'net ops' });
    expect(
      loadTelemetryConfig('x', { OTEL_SERVICE_NAME: 'mine', OTEL_RESOURCE_ATTRIBUTES: 'service.name=other' })
        .serviceName,
    ).toBe('mine');
  });

  it('takes http/json and http/protobuf as the protocol (a collector’s OTLP/HTTP port accepts JSON either way)', () => {
    for (const protocol of ['http/json', 'http/protobuf'])
      expect(
        loadTelemetryConfig('a', {
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318',
          OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: protocol,
        }).tracesEndpoint,
      ).toBe('http://c:4318/v1/traces');
  });

  it('reads the sampler and its ratio', () => {
    expect(
      loadTelemetryConfig('a', { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' }),
    ).toMatchObject({ sampler: 'traceidratio', samplerRatio: 0.25 });
  });

  it('reports every wrong variable at once', () => {
    const load = () =>
      loadTelemetryConfig('a', {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://user:secret@collector/v1/traces',
        OTEL_RESOURCE_ATTRIBUTES: 'novalue',
        OTEL_TRACES_SAMPLER: 'sometimes',
        OTEL_TRACES_SAMPLER_ARG: '2',
        OTEL_SDK_DISABLED: 'yes',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      });
    expect(load).toThrow(ConfigValidationError);
    try {
      load();
    } catch (error) {
      const problems = (error as ConfigValidationError).problems.join('\n');
      for (const name of [
        'OTEL_EXPORTER_OTLP_ENDPOINT',
        'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
        'OTEL_RESOURCE_ATTRIBUTES',
        'OTEL_TRACES_SAMPLER ',
        'OTEL_TRACES_SAMPLER_ARG',
        'OTEL_SDK_DISABLED',
        'OTEL_EXPORTER_OTLP_PROTOCOL',
      ])
        expect(problems).toContain(name);
      expect(problems).not.toContain('secret');
    }
  });
});
