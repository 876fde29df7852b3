export * from './domain/retry-backoff';
export * from './domain/outgoing-cloud-event';
export * from './domain/cloud-event-signature';
export * from './infrastructure/http-cloud-event-sender';
