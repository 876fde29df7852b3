import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { AppConfig } from '@app/common';
import { Public } from '../auth/require-role.decorator';
import { DatabaseHealthIndicator } from './database-health.indicator';

/** Readiness answers within this even when the database does not answer at all (then 503). */
const READY_PING_TIMEOUT_MS = 3000;

@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: DatabaseHealthIndicator,
    private readonly config: AppConfig,
  ) {}

  @Get('live')
  live(): { status: 'ok'; authDisabled?: true } {
    return this.config.auth.disabled ? { status: 'ok', authDisabled: true } : { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([() => this.database.ping('database', READY_PING_TIMEOUT_MS)]);
  }
}
