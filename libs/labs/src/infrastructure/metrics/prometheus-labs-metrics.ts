import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ReconcileSummary } from '../../domain/reconcile-summary';
import { LabDeleteOutcome, LabsMetrics } from '../../application/ports/labs-metrics';

@Injectable()
export class PrometheusLabsMetrics extends LabsMetrics {
  private readonly deletes: Counter<'outcome'>;
  private readonly orphansRemoved: Counter<'worker_id'>;
  private readonly orphansPending: Gauge<'worker_id'>;
  private readonly reconciliations: Counter<'worker_id' | 'status'>;
  private readonly duration: Histogram<'worker_id' | 'status'>;

  constructor(registry: Registry) {
    super();
    this.deletes = new Counter({
      name: 'cml_labs_lab_deletes_total',
      help: 'Phase 1 lab deletes by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.orphansRemoved = new Counter({
      name: 'cml_labs_orphans_removed_total',
      help: 'Records removed by Phase 2 because their lab is gone from CML',
      labelNames: ['worker_id'],
      registers: [registry],
    });
    this.orphansPending = new Gauge({
      name: 'cml_labs_orphans_pending',
      help: 'Orphans held back by the delete-ratio guard at the last reconciliation',
      labelNames: ['worker_id'],
      registers: [registry],
    });
    this.reconciliations = new Counter({
      name: 'cml_labs_reconciliations_total',
      help: 'Reconciliations of one worker by status',
      labelNames: ['worker_id', 'status'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'cml_labs_reconcile_duration_seconds',
      help: 'Duration of the reconciliation of one worker',
      labelNames: ['worker_id', 'status'],
      // Up to 2 h: the alert on the p95 against LABS_REFRESH_INTERVAL (default 1800 s) needs buckets beyond the
      // interval, or histogram_quantile could never report more than the highest finite bucket.
      buckets: [
        0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 900, 1200, 1800, 2700, 3600, 7200,
      ],
      registers: [registry],
    });
  }

  labDeleteFinished(outcome: LabDeleteOutcome): void {
    this.deletes.inc({ outcome });
  }

  reconcileFinished(summary: ReconcileSummary): void {
    const labels = { worker_id: summary.workerId, status: summary.status };
    this.reconciliations.inc(labels);
    this.duration.observe(labels, summary.durationMs / 1000);
    if (summary.orphansRemoved > 0)
      this.orphansRemoved.inc({ worker_id: summary.workerId }, summary.orphansRemoved);
    if (summary.status === 'succeeded')
      this.orphansPending.set({ worker_id: summary.workerId }, summary.orphansPending);
  }
}
