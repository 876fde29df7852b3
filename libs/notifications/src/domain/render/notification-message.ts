import { Notification } from '../notification';

/** An untrusted value (from CML, from a user, from an error): every renderer escapes it for its format. */
export interface Untrusted {
  value: string;
}

/** A line of a message: literal text of ours and untrusted values, in order. */
export type MessageText = (string | Untrusted)[];

const v = (value: string): Untrusted => ({ value });

/** What every provider's message says, before it is written in the provider's format. */
export interface NotificationMessage {
  /** One line: the email subject, the chat headline. */
  headline: MessageText;
  facts: { label: string; value: MessageText }[];
  /** Where to look in the console (PUBLIC_URL), when it is known. */
  link?: { label: string; url: string };
}

function workerOf(n: Notification): MessageText {
  return n.workerName ? [v(n.workerName)] : [v(n.workerId)];
}

function titleOf(title: string): Untrusted {
  return v(title === '' ? '(untitled)' : title);
}

function link(base: string | undefined, label: string, hash: string): NotificationMessage['link'] {
  return base ? { label, url: `${base}/#/${hash}` } : undefined;
}

function auditHash(workerId: string, labId: string): string {
  return `audit?workerId=${encodeURIComponent(workerId)}&labId=${encodeURIComponent(labId)}`;
}

/** The message of a notification; `publicUrl` is the console's base URL for links (none: no link). */
export function notificationMessage(n: Notification, publicUrl?: string): NotificationMessage {
  const worker = { label: 'Worker', value: workerOf(n) };
  // Ours (an ISO timestamp), not typed by anyone: literal, so it is not defanged like a host name.
  const at = { label: 'When', value: [n.occurredAt] };
  switch (n.route) {
    case 'lab-removed-outside':
      return {
        headline: ['Lab ', titleOf(n.labTitle), ' was deleted outside cml-labs'],
        facts: [
          { label: 'Lab', value: [titleOf(n.labTitle), ' (', v(n.labId), ')'] },
          { label: 'Owner', value: [v(n.owner || '(unknown)')] },
          worker,
          { label: 'Found by', value: [`${n.trigger} reconciliation `, v(n.reconciliationId)] },
          at,
        ],
        link: link(publicUrl, 'Audit trail', auditHash(n.workerId, n.labId)),
      };
    case 'lab-deleted-by-other':
      return {
        headline: ['Lab ', titleOf(n.labTitle), ' was deleted by ', v(n.deletedBy)],
        facts: [
          { label: 'Lab', value: [titleOf(n.labTitle), ' (', v(n.labId), ')'] },
          { label: 'Owner', value: [v(n.owner || '(unknown)')] },
          { label: 'Deleted by', value: [v(n.deletedBy)] },
          worker,
          ...(n.alreadyAbsentInCml ? [{ label: 'Note', value: ['CML no longer had the lab'] }] : []),
          at,
        ],
        link: link(publicUrl, 'Audit trail', auditHash(n.workerId, n.labId)),
      };
    case 'orphans-pending': {
      const listed = n.orphans.map((o) => [
        titleOf(o.title),
        ' (',
        v(o.labId),
        ') of ',
        v(o.owner || '(unknown)'),
      ]);
      const more = n.count - n.orphans.length;
      return {
        headline: [
          `${n.count} orphaned lab record${n.count === 1 ? '' : 's'} on `,
          ...workerOf(n),
          ' wait for approval',
        ],
        facts: [
          worker,
          { label: 'Pending', value: [String(n.count)] },
          ...listed.map((value, i) => ({ label: `Orphan ${i + 1}`, value })),
          ...(more > 0 ? [{ label: 'More', value: [`${more} more`] }] : []),
          { label: 'Reconciliation', value: [v(n.reconciliationId)] },
          at,
        ],
        link: link(publicUrl, 'Review and approve', `workers/${encodeURIComponent(n.workerId)}`),
      };
    }
    case 'reconciliation-failed':
      return {
        headline: ['Reconciliation of ', ...workerOf(n), ' failed'],
        facts: [
          worker,
          { label: 'Reason', value: [v(n.reason)] },
          { label: 'Reconciliation', value: [`${n.trigger} `, v(n.reconciliationId)] },
          at,
        ],
        link: link(publicUrl, 'Reconciliations', 'reconciliations'),
      };
    case 'dead-letter':
      return {
        // The event type is ours (lab.deleted, ...): literal.
        headline: ['A ', n.eventType, ' event could not be delivered to ', v(n.sink)],
        facts: [
          { label: 'Event', value: [n.eventType, ' ', v(n.eventId)] },
          { label: 'Sink', value: [v(n.sink)] },
          worker,
          { label: 'Lab', value: [v(n.labId)] },
          { label: 'Attempts', value: [String(n.attempts)] },
          { label: 'Last error', value: [v(n.lastError ?? '(none)')] },
          at,
        ],
        link: link(publicUrl, 'Outbox', 'outbox'),
      };
  }
}

/** A message text written out, each untrusted value through `escape`. */
export function textOf(text: MessageText, escape: (value: string) => string): string {
  return text.map((part) => (typeof part === 'string' ? part : escape(part.value))).join('');
}
