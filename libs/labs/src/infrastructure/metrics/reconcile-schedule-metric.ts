import { Injectable } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';
import { AppConfig } from '@app/common';

/**
 * The configured LABS_REFRESH_INTERVAL as a metric, so that an alert compares the reconciliation duration with the
 * interval this instance really runs with, instead of a number copied into the rule (0: scheduling disabled).
 */
@Injectable()
export class ReconcileScheduleMetric {
  constructor(registry: Registry, config: AppConfig) {
    new Gauge({
      name: 'cml_labs_reconcile_interval_seconds',
      help: 'Seconds between scheduled reconciliations (LABS_REFRESH_INTERVAL; 0 = disabled)',
      registers: [registry],
    }).set(config.labsRefreshIntervalSeconds);
  }
}
