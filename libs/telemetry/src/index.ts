export * from './config/telemetry-config';
export * from './tracing/start-tracing';
export * from './tracing/tracer';
export * from './tracing/traceparent';
export * from './http/http-server-tracing';
export * from './cqrs/trace-command-bus';
export * from './logging/trace-log-fields';
export * from './nest/traced-app';
