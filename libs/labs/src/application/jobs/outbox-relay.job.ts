import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import pLimit from 'p-limit';
import { AppConfig, Clock } from '@app/common';
import { LabEventDeliverer } from '../outbox/lab-event-deliverer';
import { LabEventOutbox, OutboxEntry } from '../ports/lab-event-outbox';

const JOB = 'outbox-relay';
const PURGE_EVERY_TICKS = 360;

/**
 * Sweeps the outbox every OUTBOX_RELAY_INTERVAL_MS: whatever the fast path did not deliver (sink
 * down, process killed between the write and the send) is sent from here. Also purges tombstones
 * whose events are settled, once their retention has passed.
 */
@Injectable()
export class OutboxRelayJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelayJob.name);
  private running: Promise<void> | null = null;
  private ticks = 0;

  constructor(
    private readonly registry: SchedulerRegistry,
    private readonly outbox: LabEventOutbox,
    private readonly deliverer: LabEventDeliverer,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.cloudEventsSinks.length === 0) {
      this.logger.warn(
        'no CloudEvents sink configured (CLOUDEVENTS_SINK_URL / K_SINK): removal events are stored, not sent',
      );
    }
    const timer = setInterval(() => void this.tick(), this.config.outbox.relayIntervalMs);
    timer.unref();
    this.registry.addInterval(JOB, timer);
  }

  /** One sweep; a tick while the previous sweep runs is skipped. */
  async tick(): Promise<void> {
    if (this.running) return;
    this.running = this.sweep()
      .catch((error: unknown) => this.logger.error({ err: (error as Error).message }, 'outbox sweep failed'))
      .finally(() => {
        this.running = null;
      });
    await this.running;
  }

  private async sweep(): Promise<void> {
    const due = await this.outbox.findDue(this.clock.now(), 500);
    if (due.length > 0) {
      // A record's events (a removal, the restore that undid it, a later removal) go one after
      // the other, oldest first, so that a healthy sink receives them in order; records in parallel.
      const byRecord = new Map<string, OutboxEntry[]>();
      for (const entry of due) byRecord.set(entry.recordId, [...(byRecord.get(entry.recordId) ?? []), entry]);
      const limit = pLimit(8);
      await Promise.all(
        [...byRecord.values()].map((entries) =>
          limit(async () => {
            for (const entry of entries) await this.deliverer.deliver(entry);
          }),
        ),
      );
    }
    // Not at start-up: the first purge after the upgrade runs the one-time removedAt backfill (a full
    // read of the collection on FerretDB, see RemovedAtBackfill), which should not add to a start's work,
    // and an old instance of a rolling deploy is gone by then. The purge itself reads only the tombstones
    // (the lab_removed_at index).
    if (++this.ticks % PURGE_EVERY_TICKS === 0) {
      const before = new Date(this.clock.now().getTime() - this.config.tombstoneRetentionSeconds * 1000);
      const purged = await this.outbox.purgeTombstones(before);
      if (purged > 0) this.logger.log({ purged }, 'settled tombstones purged');
    }
  }

  /** Before the database closes: no new sweeps; the current one and in-flight deliveries finish. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.registry.doesExist('interval', JOB)) this.registry.deleteInterval(JOB);
    if (this.running) await this.running;
    await this.deliverer.flush();
  }
}
