import { Injectable, Logger } from '@nestjs/common';
import { AppConfig, Clock } from '@app/common';
import { WorkerDirectory } from '@app/workers';
import { Notification, PendingOrphanFact } from '../domain/notification';
import { NotificationDelivery } from '../domain/notification-delivery';
import { notificationDeliveryId } from '../domain/notification-delivery-id';
import { NotificationRouting, planNotifications } from '../domain/notification-plan';
import {
  DeadDeliveryFacts,
  LabRemovalFacts,
  notificationOfDeadDelivery,
  notificationOfLabRemoval,
  notificationsOfReconcile,
  ReconcileFacts,
} from '../domain/notification-sources';
import { NotificationIntake } from './ports/notification-intake';
import { NotificationOutbox } from './ports/notification-outbox';
import { NotificationTransport } from './ports/notification-transport';

const WORKER_NAME_TTL_MS = 5 * 60_000;
const WORKER_NAMES_KEPT = 1000;

/**
 * Turns facts into queued deliveries: the plan (routes, owner mapping, providers) decides who gets what, and
 * each delivery is inserted once under its deterministic id. One insert per notification; nothing at all (no
 * read, no write) when no provider is configured or the route is off.
 */
@Injectable()
export class NotificationEnqueuer extends NotificationIntake {
  private readonly logger = new Logger(NotificationEnqueuer.name);
  private readonly routing: NotificationRouting;
  private readonly workerNames = new Map<string, { name: string; at: number }>();
  readonly enabled: boolean;
  readonly notifiesRemovals: boolean;

  constructor(
    private readonly outbox: NotificationOutbox,
    transport: NotificationTransport,
    private readonly workers: WorkerDirectory,
    config: AppConfig,
    private readonly clock: Clock,
  ) {
    super();
    const settings = config.notifications;
    this.routing = {
      routes: settings.routes,
      providers: transport.senders.map((s) => s.capability),
      ownerAddresses: settings.ownerAddresses,
    };
    this.enabled = transport.senders.length > 0;
    this.notifiesRemovals =
      this.enabled &&
      this.routing.routes.some((r) => r === 'lab-removed-outside' || r === 'lab-deleted-by-other');
  }

  async labRemoved(facts: LabRemovalFacts): Promise<void> {
    if (!this.enabled) return;
    const n = notificationOfLabRemoval(facts);
    if (n) await this.enqueue(n);
  }

  async reconciled(
    facts: ReconcileFacts,
    pending: readonly PendingOrphanFact[],
    workerName?: string,
  ): Promise<void> {
    if (!this.enabled) return;
    for (const n of notificationsOfReconcile(facts, pending, workerName)) {
      await this.enqueue(n).catch((error: unknown) => this.enqueueFailed(n, error));
    }
  }

  async labEventDead(facts: DeadDeliveryFacts): Promise<void> {
    if (!this.enabled) return;
    const n = notificationOfDeadDelivery(facts);
    await this.enqueue(n).catch((error: unknown) => this.enqueueFailed(n, error));
  }

  private async enqueue(n: Notification): Promise<void> {
    const planned = planNotifications(n, this.routing);
    if (planned.length === 0) return;
    const named = n.workerName ? n : await this.withWorkerName(n);
    const now = this.clock.now();
    const deliveries: NotificationDelivery[] = planned.map(({ provider, recipient }) => ({
      id: notificationDeliveryId(n.sourceKey, n.route, provider, recipient),
      route: n.route,
      provider,
      recipient,
      notification: named,
      status: 'pending',
      attempts: 0,
      replays: 0,
      nextAttemptAt: now,
      lastError: null,
      createdAt: now,
      deliveredAt: null,
    }));
    const queued = await this.outbox.enqueue(deliveries);
    const log = {
      workerId: n.workerId,
      route: n.route,
      sourceKey: n.sourceKey,
      ...('labId' in n ? { labId: n.labId } : {}),
    };
    if (queued > 0) this.logger.log({ ...log, deliveries: queued }, `Notification queued: ${n.route}`);
  }

  /**
   * The worker's name for the message; a removed worker (or a database hiccup) leaves its id. Names are kept a
   * few minutes, so a burst of removals on one worker reads it once.
   */
  private async withWorkerName(n: Notification): Promise<Notification> {
    const now = this.clock.now().getTime();
    const cached = this.workerNames.get(n.workerId);
    if (cached && now - cached.at < WORKER_NAME_TTL_MS) return { ...n, workerName: cached.name };
    try {
      const worker = await this.workers.require(n.workerId);
      if (this.workerNames.size >= WORKER_NAMES_KEPT) this.workerNames.clear();
      this.workerNames.set(n.workerId, { name: worker.name, at: now });
      return { ...n, workerName: worker.name };
    } catch {
      return n;
    }
  }

  private enqueueFailed(n: Notification, error: unknown): void {
    this.logger.error(
      { workerId: n.workerId, route: n.route, sourceKey: n.sourceKey, err: (error as Error).message },
      'could not queue a notification',
    );
  }
}
