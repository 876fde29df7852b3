import { notificationDeliveryId } from './notification-delivery-id';
import {
  LabRemovalFacts,
  notificationOfDeadDelivery,
  notificationOfLabRemoval,
  notificationsOfReconcile,
  ReconcileFacts,
} from './notification-sources';

const deleted = (
  deletedBy: string,
  owner = { ownerId: 'u-carol', ownerUsername: 'carol' },
): LabRemovalFacts => ({
  eventId: 'e-1',
  type: 'lab.deleted',
  workerId: 'w',
  labId: 'l',
  labTitle: 'DMVPN',
  owner: owner.ownerUsername || owner.ownerId,
  occurredAt: '2026-12-01T10:00:00.000Z',
  deletedBy,
  alreadyAbsentInCml: false,
  ...owner,
});

describe('notificationOfLabRemoval', () => {
  it('a delete by the owner (by username or by user id) notifies nobody', () => {
    expect(notificationOfLabRemoval(deleted('carol'))).toBeNull();
    expect(notificationOfLabRemoval(deleted('u-carol'))).toBeNull();
  });

  it('a delete by the owner whose token subject is no CML name, but whose username claim is', () => {
    expect(notificationOfLabRemoval({ ...deleted('3f0c-sub-uuid'), deletedByUsername: 'carol' })).toBeNull();
    expect(
      notificationOfLabRemoval({ ...deleted('3f0c-sub-uuid'), deletedByUsername: 'dave' }),
    ).toMatchObject({
      route: 'lab-deleted-by-other',
      deletedBy: 'dave',
    });
  });

  it('a delete by someone else is lab-deleted-by-other, keyed by the event', () => {
    expect(notificationOfLabRemoval(deleted('dave'))).toMatchObject({
      route: 'lab-deleted-by-other',
      sourceKey: 'lab-event:e-1',
      deletedBy: 'dave',
      ownerKeys: ['carol', 'u-carol'],
    });
  });

  it('a lab with no known owner: its delete is reported (nobody could be its owner)', () => {
    expect(notificationOfLabRemoval(deleted('', { ownerId: '', ownerUsername: '' }))).toMatchObject({
      route: 'lab-deleted-by-other',
    });
  });

  it('every orphan removal is lab-removed-outside', () => {
    const n = notificationOfLabRemoval({
      ...deleted('x'),
      type: 'lab.orphan_removed',
      deletedBy: undefined,
      trigger: 'manual',
      reconciliationId: 'r-9',
    });
    expect(n).toMatchObject({ route: 'lab-removed-outside', reconciliationId: 'r-9', trigger: 'manual' });
  });
});

describe('notificationsOfReconcile', () => {
  const summary = (over: Partial<ReconcileFacts>): ReconcileFacts => ({
    reconciliationId: 'r-1',
    workerId: 'w',
    trigger: 'scheduled',
    status: 'succeeded',
    orphansPending: 0,
    finishedAt: '2026-12-01T10:00:00.000Z',
    ...over,
  });
  const pending = (...ids: string[]) => ids.map((labId) => ({ labId, title: labId, owner: 'o' }));

  it('a succeeded run with nothing pending notifies nobody', () => {
    expect(notificationsOfReconcile(summary({}), [])).toEqual([]);
  });

  it('a failed run is one notification per reconciliation and worker', () => {
    const [n] = notificationsOfReconcile(summary({ status: 'failed', reason: 'CML unreachable' }), []);
    expect(n).toMatchObject({
      route: 'reconciliation-failed',
      sourceKey: 'reconciliation:r-1:w',
      reason: 'CML unreachable',
    });
  });

  it('the same pending set in later runs is the same notification; a changed set is a new one', () => {
    const key = (runId: string, ids: string[]) =>
      notificationsOfReconcile(
        summary({ reconciliationId: runId, orphansPending: ids.length }),
        pending(...ids),
      )[0].sourceKey;
    expect(key('r-1', ['a', 'b'])).toBe(key('r-2', ['b', 'a']));
    expect(key('r-1', ['a', 'b'])).not.toBe(key('r-1', ['a', 'b', 'c']));
    expect(key('r-1', ['a'])).not.toBe(
      notificationsOfReconcile(summary({ workerId: 'w2', orphansPending: 1 }), pending('a'))[0].sourceKey,
    );
  });
});

describe('notificationOfDeadDelivery', () => {
  const dead = {
    eventId: 'e',
    eventType: 'lab.deleted',
    workerId: 'w',
    labId: 'l',
    sink: 'https://sink.example:8443/hooks/s3cr3t?key=abc',
    replays: 0,
    attempts: 8,
    lastError: 'sink answered HTTP 500',
    occurredAt: '2026-12-01T10:00:00.000Z',
  };

  it('names the sink by its origin only: its path and query never reach a message', () => {
    const n = notificationOfDeadDelivery({ ...dead, lastError: `failed: ${dead.sink}` });
    expect(JSON.stringify(n)).not.toContain('s3cr3t');
    expect(n).toMatchObject({
      sink: 'https://sink.example:8443',
      lastError: 'failed: https://sink.example:8443',
    });
  });

  it('one death is one notification; a replay that dies again is another', () => {
    const id = (replays: number) => {
      const n = notificationOfDeadDelivery({ ...dead, replays });
      return notificationDeliveryId(n.sourceKey, n.route, 'slack', { kind: 'channel' });
    };
    expect(id(0)).toBe(id(0));
    expect(id(0)).not.toBe(id(1));
  });
});
