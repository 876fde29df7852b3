import { Notification, NotificationRoute } from '../domain/notification';

export const WORKER_ID = '6b1f2d3e-0000-4000-8000-000000000001';
export const LAB_ID = '9a4c1e2b-1111-4000-8000-0000000000aa';
const AT = '2026-12-01T10:00:00.000Z';

/** One ordinary notification per route, as the renderers' fixtures show them. */
export const SAMPLE_NOTIFICATIONS: Record<NotificationRoute, Notification> = {
  'lab-removed-outside': {
    route: 'lab-removed-outside',
    sourceKey: 'lab-event:e-1',
    workerId: WORKER_ID,
    workerName: 'cml-east',
    occurredAt: AT,
    labId: LAB_ID,
    labTitle: 'DMVPN lab',
    owner: 'carol',
    ownerKeys: ['carol', 'u-carol'],
    reconciliationId: 'r-1',
    trigger: 'scheduled',
  },
  'lab-deleted-by-other': {
    route: 'lab-deleted-by-other',
    sourceKey: 'lab-event:e-2',
    workerId: WORKER_ID,
    workerName: 'cml-east',
    occurredAt: AT,
    labId: LAB_ID,
    labTitle: 'DMVPN lab',
    owner: 'carol',
    ownerKeys: ['carol', 'u-carol'],
    deletedBy: 'dave',
    alreadyAbsentInCml: false,
  },
  'orphans-pending': {
    route: 'orphans-pending',
    sourceKey: 'orphans-pending:w:abc',
    workerId: WORKER_ID,
    workerName: 'cml-east',
    occurredAt: AT,
    reconciliationId: 'r-2',
    count: 3,
    orphans: [
      { labId: 'l-1', title: 'BGP basics', owner: 'carol' },
      { labId: 'l-2', title: 'OSPF', owner: 'dave' },
    ],
  },
  'reconciliation-failed': {
    route: 'reconciliation-failed',
    sourceKey: 'reconciliation:r-3:w',
    workerId: WORKER_ID,
    workerName: 'cml-east',
    occurredAt: AT,
    reconciliationId: 'r-3',
    trigger: 'scheduled',
    reason: 'CML unreachable: ECONNREFUSED',
  },
  'dead-letter': {
    route: 'dead-letter',
    sourceKey: 'dead-letter:e-4:https://audit.example/:0',
    workerId: WORKER_ID,
    occurredAt: AT,
    eventId: 'e-4',
    eventType: 'lab.deleted',
    labId: LAB_ID,
    sink: 'https://audit.example',
    attempts: 8,
    lastError: 'sink answered HTTP 503',
  },
};

/** A lab title someone typed to break out of every format at once. */
export const HOSTILE_TITLE =
  '<!channel> **bold** [click](https://evil.example) <img src=x onerror=alert(1)> _x_ `code` &amp;\r\nBcc: x@evil.example';

export function withHostileTitle(route: 'lab-removed-outside' | 'lab-deleted-by-other'): Notification {
  return { ...SAMPLE_NOTIFICATIONS[route], labTitle: HOSTILE_TITLE } as Notification;
}
