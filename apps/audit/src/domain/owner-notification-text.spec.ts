import { LabOrphanRemovedData } from './lab-orphan-removed-data';
import { ownerNotificationText } from './owner-notification-text';

describe('ownerNotificationText', () => {
  const data = (labTitle: string, owner: string, workerId = 'w-1'): LabOrphanRemovedData => ({
    workerId,
    labId: 'l-1',
    labTitle,
    owner,
    trigger: 'scheduled',
    reconciliationId: 'r-1',
    lastSeenAt: '2026-01-01T00:00:00Z',
    evidence: { listedAt: '2026-01-01T00:00:00Z', confirmedBy: 'lookup-404' },
    occurredAt: '2026-01-01T00:00:00Z',
  });

  it('keeps the message of an ordinary lab as it was', () => {
    expect(ownerNotificationText(data('DMVPN lab', 'carol'), 'slack')).toBe(
      'lab DMVPN lab of carol on w-1 was deleted outside cml-labs',
    );
  });

  it('escapes title, owner and worker id, each on its own', () => {
    expect(ownerNotificationText(data('<!channel>', '[x](y)', 'w<1>'), 'slack')).toBe(
      'lab &lt;!channel&gt; of [x](y) on w&lt;1&gt; was deleted outside cml-labs',
    );
    expect(ownerNotificationText(data('<!channel>', '[x](y)'), 'markdown')).toBe(
      'lab \\<!channel\\> of \\[x\\]\\(y\\) on w-1 was deleted outside cml-labs',
    );
  });

  it('says so when a field is empty, rather than printing nothing', () => {
    expect(ownerNotificationText(data('\u0000\u202e', ' '), 'slack')).toBe(
      'lab (untitled) of (unknown) on w-1 was deleted outside cml-labs',
    );
  });
});
