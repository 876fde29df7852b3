import { Logger } from '@nestjs/common';
import { ManualClock } from '@app/workers/testing/manual-clock';
import { loadAuditConfig } from '../../../audit-config';
import { ChatFormat } from '@app/notifications/domain/chat-text';
import { LabAuditEvent } from '../../../domain/lab-audit-event';
import { InMemoryAuditEventRepository } from '../../../testing/in-memory-audit-event.repository';
import {
  aDeletedEvent,
  anOrphanRemovedEvent,
  ORPHAN_REMOVED_TYPE,
} from '../../../testing/lab-audit-event.fixture';
import { RecordingOwnerNotifier } from '../../../testing/recording-owner-notifier';
import { RecordAuditEventCommand } from './record-audit-event.command';
import { RecordAuditEventHandler } from './record-audit-event.handler';

/** Lets the fire-and-forget notification (and its logging) run to its end. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function auditConfig(format: ChatFormat = 'slack') {
  return loadAuditConfig({
    AUDIT_MONGODB_URI: 'mongodb://unused.invalid/audit',
    AUDIT_INGEST_AUTH_DISABLED: 'true',
    AUTH_DISABLED: 'true',
    NOTIFY_WEBHOOK_URL: 'https://hooks.example/owner',
    NOTIFY_WEBHOOK_FORMAT: format,
  });
}

describe('RecordAuditEventHandler', () => {
  let clock: ManualClock;
  let events: InMemoryAuditEventRepository;
  let notifier: RecordingOwnerNotifier;
  let handler: RecordAuditEventHandler;

  const build = (format: ChatFormat = 'slack', withNotifier = true) => {
    clock = new ManualClock('2024-06-01T08:00:00Z');
    events = new InMemoryAuditEventRepository();
    notifier = new RecordingOwnerNotifier();
    handler = new RecordAuditEventHandler(
      events,
      clock,
      auditConfig(format),
      withNotifier ? notifier : undefined,
    );
  };
  const record = (event: LabAuditEvent) => handler.execute(new RecordAuditEventCommand(event));
  const trail = () => events.find({ limit: 500 });

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => build());

  describe('storing', () => {
    it('stores a first delivery with the time it was received, and says it stored it', async () => {
      const event = aDeletedEvent({ workerId: 'w-1', labId: 'l-1' });
      await expect(record(event)).resolves.toEqual({ stored: true });
      expect(await trail()).toEqual([
        {
          source: event.source,
          id: event.id,
          type: event.type,
          subject: 'labs/l-1',
          time: event.time,
          workerId: 'w-1',
          labId: 'l-1',
          data: event.data,
          receivedAt: '2024-06-01T08:00:00.000Z',
        },
      ]);
    });

    it('answers a redelivery stored: false and keeps the first delivery as it was', async () => {
      const first = aDeletedEvent({ id: 'e-1' });
      await record(first);
      clock.advance(60_000);
      await expect(record(aDeletedEvent({ id: 'e-1' }, { deletedBy: 'mallory' }))).resolves.toEqual({
        stored: false,
      });
      expect(events.size).toBe(1);
      expect(await trail()).toEqual([
        expect.objectContaining({ data: first.data, receivedAt: '2024-06-01T08:00:00.000Z' }),
      ]);
    });

    it('records the same id from another source as another event', async () => {
      await expect(record(aDeletedEvent({ id: 'e-1', source: '/a' }))).resolves.toEqual({ stored: true });
      await expect(record(aDeletedEvent({ id: 'e-1', source: '/b' }))).resolves.toEqual({ stored: true });
      expect(events.size).toBe(2);
    });

    it('stores the type as sent, whatever the producer prefix', async () => {
      const event = { ...anOrphanRemovedEvent(), type: 'com.example.cml.lab.orphan_removed.v1' };
      await record(event);
      expect(
        (await events.find({ type: 'com.example.cml.lab.orphan_removed.v1', limit: 10 })).map((e) => e.id),
      ).toEqual([event.id]);
      expect(await events.find({ type: ORPHAN_REMOVED_TYPE, limit: 10 })).toEqual([]);
    });

    it('fails when the store fails, and tells nobody', async () => {
      events.failWith = new Error('database down');
      await expect(record(anOrphanRemovedEvent())).rejects.toThrow('database down');
      await settle();
      expect(notifier.calls).toBe(0);
    });
  });

  describe('telling the owner', () => {
    it('tells the owner about a new orphan removal once, however often it is redelivered', async () => {
      const event = anOrphanRemovedEvent({ workerId: 'w-7' }, { labTitle: 'DMVPN lab', owner: 'carol' });
      await record(event);
      await record(event);
      await record({ ...event });
      await settle();
      expect(notifier.texts).toEqual(['lab DMVPN lab of carol on w-7 was deleted outside cml-labs']);
      expect(notifier.calls).toBe(1);
    });

    it('tells nobody about a lab deleted through cml-labs', async () => {
      await record(aDeletedEvent());
      await settle();
      expect(notifier.calls).toBe(0);
    });

    it('notifies by the kind of event, whatever the type prefix', async () => {
      await record({ ...anOrphanRemovedEvent(), type: 'com.example.cml.lab.orphan_removed.v1' });
      await settle();
      expect(notifier.texts).toEqual(['lab OSPF lab of carol on w-1 was deleted outside cml-labs']);
    });

    it.each<[ChatFormat, string]>([
      [
        'slack',
        'lab &lt;!channel&gt; [boss](https[:]//evil[.]example) of mallory on w-1 was deleted outside cml-labs',
      ],
      [
        'markdown',
        'lab \\<!channel\\> \\[boss\\]\\(https\\[:\\]//evil\\[.\\]example\\) of mallory on w-1 was deleted outside cml-labs',
      ],
    ])('escapes the CML-provided fields for %s, the configured format', async (format, text) => {
      build(format);
      await record(
        anOrphanRemovedEvent({}, { labTitle: '<!channel> [boss](https://evil.example)', owner: 'mallory' }),
      );
      await settle();
      expect(notifier.texts).toEqual([text]);
    });

    it('answers before the webhook does', async () => {
      notifier.hold();
      await expect(record(anOrphanRemovedEvent())).resolves.toEqual({ stored: true });
      expect(notifier.calls).toBe(1);
      expect(notifier.texts).toEqual([]);
      notifier.release();
      await settle();
      expect(notifier.texts).toHaveLength(1);
    });

    it('keeps the event when the webhook fails, and a redelivery does not try again', async () => {
      notifier.failWith = new Error('notification webhook answered HTTP 500');
      const event = anOrphanRemovedEvent();
      await expect(record(event)).resolves.toEqual({ stored: true });
      await settle();
      await expect(record(event)).resolves.toEqual({ stored: false });
      await settle();
      expect(notifier.calls).toBe(1);
      expect(events.size).toBe(1);
    });

    it('records without notifying when no webhook is configured', async () => {
      build('slack', false);
      await expect(record(anOrphanRemovedEvent())).resolves.toEqual({ stored: true });
      await settle();
      expect(notifier.calls).toBe(0);
      expect(events.size).toBe(1);
    });
  });
});
