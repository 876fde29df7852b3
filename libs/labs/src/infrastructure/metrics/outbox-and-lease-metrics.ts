import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Registry } from 'prom-client';
import { LabEventOutbox } from '../../application/ports/lab-event-outbox';
import { ReconcileLeaseRepository } from '../../application/ports/reconcile-lease.repository';

/** Values read when Prometheus scrapes, so they are never stale. */
@Injectable()
export class OutboxAndLeaseMetrics {
  constructor(registry: Registry, outbox: LabEventOutbox, leases: ReconcileLeaseRepository) {
    new Gauge({
      name: 'cml_labs_outbox_backlog',
      help: 'Removal events with a delivery still pending',
      registers: [registry],
      async collect() {
        this.set(await outbox.count('pending'));
      },
    });
    new Gauge({
      name: 'cml_labs_outbox_dead',
      help: 'Removal events with a delivery that failed for good',
      registers: [registry],
      async collect() {
        this.set(await outbox.count('dead'));
      },
    });
    // A counter (it only grows, and rate() must see a restart as a reset), fed from the repository's own
    // in-process count: what it gained since the last scrape is added, so the two never drift apart.
    let counted = 0;
    new Counter({
      name: 'cml_labs_lease_takeovers_total',
      help: 'Reconciliation leases this instance took over after they expired',
      registers: [registry],
      collect() {
        const takeovers = leases.takeovers();
        if (takeovers > counted) this.inc(takeovers - counted);
        counted = takeovers;
      },
    });
  }
}
