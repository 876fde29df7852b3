import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { ReconcileLeaseKeeper } from './reconcile-lease-keeper';

/**
 * Lets running reconciliations finish on shutdown, before the database connection closes
 * (Mongoose closes it on application shutdown), then gives this instance's leases back so that
 * another replica can take over at once instead of waiting for them to expire.
 */
@Injectable()
export class ReconciliationDrain implements BeforeApplicationShutdown {
  private readonly logger = new Logger(ReconciliationDrain.name);
  private readonly running = new Set<Promise<unknown>>();

  constructor(private readonly leases: ReconcileLeaseKeeper) {}

  /** Runs `job` and keeps shutdown waiting until it has settled. */
  async track<T>(job: () => Promise<T>): Promise<T> {
    const running = job();
    this.running.add(running);
    try {
      return await running;
    } finally {
      this.running.delete(running);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
    const released = await this.leases.releaseAll();
    if (released > 0) this.logger.log({ released }, 'reconciliation leases released');
  }
}
