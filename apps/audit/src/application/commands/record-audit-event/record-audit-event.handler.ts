import { Logger, Optional } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Clock } from '@app/common';
import { AuditConfig } from '../../../audit-config';
import { LabAuditEvent } from '../../../domain/lab-audit-event';
import { ownerNotificationText } from '../../../domain/owner-notification-text';
import { AuditEventRepository } from '../../ports/audit-event.repository';
import { OwnerNotifier } from '../../ports/owner-notifier';
import { RecordAuditEventCommand, RecordAuditEventResult } from './record-audit-event.command';

@CommandHandler(RecordAuditEventCommand)
export class RecordAuditEventHandler implements ICommandHandler<
  RecordAuditEventCommand,
  RecordAuditEventResult
> {
  private readonly logger = new Logger(RecordAuditEventHandler.name);

  constructor(
    private readonly events: AuditEventRepository,
    private readonly clock: Clock,
    private readonly config: AuditConfig,
    @Optional() private readonly notifier?: OwnerNotifier,
  ) {}

  async execute({ event }: RecordAuditEventCommand): Promise<RecordAuditEventResult> {
    const stored = await this.events.insertOnce(event, this.clock.now());
    const context = {
      eventId: event.id,
      source: event.source,
      type: event.type,
      workerId: event.workerId,
      labId: event.labId,
    };
    this.logger.log({ ...context, stored }, stored ? 'audit event stored' : 'audit event already stored');
    // Only the first delivery notifies: redeliveries are normal (at least once) and must not spam.
    if (stored) this.notifyOwner(event);
    return { stored };
  }

  /**
   * Fire and forget: the event is stored already, and a slow or broken chat webhook must neither
   * delay the producer's acknowledgement nor make it redeliver.
   */
  private notifyOwner(event: LabAuditEvent): void {
    if (event.kind !== 'lab.orphan_removed' || !this.notifier) return;
    const context = { eventId: event.id, workerId: event.workerId, labId: event.labId };
    this.notifier.notify(ownerNotificationText(event.data, this.config.notifyWebhookFormat)).then(
      () => this.logger.log(context, 'owner notified'),
      (error: unknown) =>
        this.logger.warn(
          { ...context, err: error instanceof Error ? error.message : String(error) },
          'owner notification failed',
        ),
    );
  }
}
