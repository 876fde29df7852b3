import { OutgoingCloudEvent } from '@app/cloud-events';
import { LabOutboxEvent } from '../../domain/lab-record.aggregate';

/** The CloudEvent of a removal or restore event, per the CloudEvents contract (v1). */
export function labCloudEvent(
  event: LabOutboxEvent,
  settings: { source: string; typePrefix: string },
): OutgoingCloudEvent {
  const { eventId, type, ...data } = event;
  const traceparent = 'traceparent' in data ? data.traceparent : undefined;
  if ('traceparent' in data) delete data.traceparent;
  // Not in the contract's data: kept for notifications only.
  if ('deletedByUsername' in data) delete data.deletedByUsername;
  return {
    id: eventId,
    source: `${settings.source}/workers/${event.workerId}`,
    type: `${settings.typePrefix}.${type}.v1`,
    subject: `labs/${event.labId}`,
    time: event.occurredAt,
    data: { ...data },
    extensions: {
      workerid: event.workerId,
      labid: event.labId,
      ...(traceparent ? { traceparent } : {}),
    },
  };
}
