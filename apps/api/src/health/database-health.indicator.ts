import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import type { Connection } from 'mongoose';

/**
 * Readiness by sending `ping` to the database. Terminus' MongooseHealthIndicator only looks at mongoose's
 * readyState, which follows the driver's heartbeat (every 10 s): it stayed "connected" for seconds after the
 * database had gone, and noticed its return late. A ping goes through server selection like any request, so it
 * fails while the database cannot be reached and succeeds as soon as it can again.
 */
@Injectable()
export class DatabaseHealthIndicator {
  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly indicator: HealthIndicatorService,
  ) {}

  async ping<const Key extends string>(key: Key, timeoutMs: number): Promise<HealthIndicatorResult<Key>> {
    const check = this.indicator.check(key);
    const db = this.connection.db;
    if (!db) return check.down({ message: 'not connected' });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    try {
      // A ping still waiting after the timeout ends by itself within serverSelectionTimeoutMS; race handles it.
      const outcome = await Promise.race([db.command({ ping: 1 }), timeout]);
      if (outcome === 'timeout') return check.down({ message: `no answer within ${timeoutMs} ms` });
      return check.up();
    } catch (error) {
      return check.down({ message: `unreachable (${(error as Error).name})` });
    } finally {
      clearTimeout(timer);
    }
  }
}
