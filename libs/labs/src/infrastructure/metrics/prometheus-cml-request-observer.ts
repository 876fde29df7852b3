import { Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry } from 'prom-client';
import { CmlRequestEvent, CmlRequestObserver } from '@app/cml-client';

/** CML requests by route (a template, never an id) and outcome. */
@Injectable()
export class PrometheusCmlRequestObserver extends CmlRequestObserver {
  private readonly requests: Counter<'route' | 'outcome'>;
  private readonly duration: Histogram<'route'>;

  constructor(registry: Registry) {
    super();
    this.requests = new Counter({
      name: 'cml_labs_cml_requests_total',
      help: 'Requests to CML controllers by route and outcome',
      labelNames: ['route', 'outcome'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'cml_labs_cml_request_duration_seconds',
      help: 'Duration of requests to CML controllers',
      labelNames: ['route'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
      registers: [registry],
    });
  }

  observe(event: CmlRequestEvent): void {
    this.requests.inc({ route: event.route, outcome: event.outcome });
    this.duration.observe({ route: event.route }, event.durationMs / 1000);
  }
}
