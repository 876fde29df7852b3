import { Controller, Get, Header } from '@nestjs/common';
import { Registry } from 'prom-client';

/**
 * Prometheus text, open like the API's /metrics and the health routes (no guard): it carries counts and durations
 * only, never an event, an owner or a credential. Keep it off the public ingress, as the API's. (Not a subclass of
 * the API's controller: the API's OpenAPI document is generated from that class's own method, which inheriting
 * changes.)
 */
@Controller('metrics')
export class MetricsController {
  constructor(private readonly registry: Registry) {}

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
