import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Registry } from 'prom-client';
import { NotificationProvider } from '../../domain/notification-provider';
import { NotificationMetrics } from '../../application/ports/notification-metrics';
import { NotificationOutbox } from '../../application/ports/notification-outbox';
import { NotificationTransport } from '../../application/ports/notification-transport';

/** On the API's registry (GET /metrics). The gauges are read when Prometheus scrapes. */
@Injectable()
export class PrometheusNotificationMetrics extends NotificationMetrics {
  private readonly sentTotal: Counter<'provider'>;
  private readonly failedTotal: Counter<'provider'>;
  private readonly deadTotal: Counter<'provider'>;

  constructor(registry: Registry, outbox: NotificationOutbox, transport: NotificationTransport) {
    super();
    // No provider, no notification: a scrape then costs the database nothing.
    const count = async (status: 'pending' | 'dead') =>
      transport.senders.length > 0 ? outbox.count(status) : 0;
    const counter = (name: string, help: string) =>
      new Counter({ name, help, labelNames: ['provider'] as const, registers: [registry] });
    this.sentTotal = counter('cml_labs_notifications_sent_total', 'Notifications delivered, per provider');
    this.failedTotal = counter(
      'cml_labs_notifications_failed_total',
      'Failed notification attempts, per provider',
    );
    this.deadTotal = counter(
      'cml_labs_notifications_dead_total',
      'Notifications that failed for good, per provider',
    );
    new Gauge({
      name: 'cml_labs_notifications_backlog',
      help: 'Notifications waiting to be delivered',
      registers: [registry],
      async collect() {
        this.set(await count('pending'));
      },
    });
    new Gauge({
      name: 'cml_labs_notifications_dead',
      help: 'Notifications kept as dead (replayable)',
      registers: [registry],
      async collect() {
        this.set(await count('dead'));
      },
    });
  }

  sent(provider: NotificationProvider): void {
    this.sentTotal.inc({ provider });
  }
  failed(provider: NotificationProvider): void {
    this.failedTotal.inc({ provider });
  }
  dead(provider: NotificationProvider): void {
    this.deadTotal.inc({ provider });
  }
}
