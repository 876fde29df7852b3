import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, MongooseHealthIndicator } from '@nestjs/terminus';
import { AppConfig } from '@app/common';
import { Public } from '../auth/require-role.decorator';

@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly mongoose: MongooseHealthIndicator,
    private readonly config: AppConfig,
  ) {}

  @Get('live')
  live(): { status: 'ok'; authDisabled?: true } {
    return this.config.auth.disabled ? { status: 'ok', authDisabled: true } : { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([() => this.mongoose.pingCheck('database', { timeout: 3000 })]);
  }
}
