import { Injectable } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';
import { LabEventOutbox } from '../../application/ports/lab-event-outbox';
import { ReconcileLeaseRepository } from '../../application/ports/reconcile-lease.repository';

/** Values read when Prometheus scrapes, so they are never stale. */
@Injectable()
export class OutboxAndLeaseGauges {
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
    new Gauge({
      name: 'cml_labs_lease_takeovers',
      help: 'Reconciliation leases this instance took over after they expired (since start)',
      registers: [registry],
      collect() {
        this.set(leases.takeovers());
      },
    });
  }
}
