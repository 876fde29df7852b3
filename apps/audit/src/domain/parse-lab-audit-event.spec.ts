import { parseLabAuditEvent } from './parse-lab-audit-event';

const time = '2024-05-01T12:00:00+02:00';
const deleted = {
  specversion: '1.0',
  id: 'e-1',
  source: '/cml-labs/workers/w-1',
  type: 'io.cml-labs.lab.deleted.v1',
  subject: 'labs/l-1',
  time,
  workerid: 'w-1',
  labid: 'l-1',
  data: {
    workerId: 'w-1',
    labId: 'l-1',
    labTitle: 'BGP',
    owner: 'alice',
    deletedBy: 'bob',
    alreadyAbsentInCml: true,
    occurredAt: time,
  },
};

describe('parseLabAuditEvent', () => {
  it('accepts a lab.deleted event of any prefix and normalises its time to UTC', () => {
    const parsed = parseLabAuditEvent({ ...deleted, type: 'org.example.lab.deleted.v1' });
    expect(parsed).toEqual({
      ok: true,
      event: expect.objectContaining({
        kind: 'lab.deleted',
        workerId: 'w-1',
        labId: 'l-1',
        time: '2024-05-01T10:00:00.000Z',
      }),
    });
  });

  it('keeps only the contract fields of data', () => {
    const parsed = parseLabAuditEvent({ ...deleted, data: { ...deleted.data, $where: 'x' } });
    expect(parsed.ok && parsed.event.data).toEqual(deleted.data);
  });

  it.each([
    ['type', { type: 'io.cml-labs.lab.deleted.v2' }],
    ['type', { type: '.lab.deleted.v1x' }],
    ['specversion', { specversion: '0.3' }],
    ['id', { id: '' }],
    ['time', { time: 'now' }],
    ['data', { data: 'text' }],
    ['data.alreadyAbsentInCml', { data: { ...deleted.data, alreadyAbsentInCml: 'yes' } }],
    ['labid', { labid: 'l-2' }],
  ])('refuses a bad %s', (field, change) => {
    const parsed = parseLabAuditEvent({ ...deleted, ...change });
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.errors.map((e) => e.field)).toContain(field);
  });

  it('refuses a source with "|", which no URI-reference has, so that source|id keys stay one-to-one', () => {
    const parsed = parseLabAuditEvent({ ...deleted, source: '/a|b', id: 'c' });
    expect(!parsed.ok && parsed.errors).toEqual([
      { field: 'source', message: 'must be a URI-reference: "|" is not allowed' },
    ]);
    expect(parseLabAuditEvent({ ...deleted, source: '/a', id: 'b|c' }).ok).toBe(true);
  });

  const restored = {
    ...deleted,
    id: 'e-2',
    type: 'io.cml-labs.lab.restored.v1',
    data: {
      workerId: 'w-1',
      labId: 'l-1',
      labTitle: 'BGP',
      owner: 'alice',
      restoredBy: 'reconciliation',
      removedAt: '2024-05-01T09:00:00Z',
      occurredAt: time,
    },
  };

  it('accepts a lab.restored event and keeps its contract data', () => {
    const parsed = parseLabAuditEvent(restored);
    expect(parsed).toEqual({
      ok: true,
      event: expect.objectContaining({
        kind: 'lab.restored',
        workerId: 'w-1',
        labId: 'l-1',
        data: restored.data,
      }),
    });
  });

  it.each([
    ['data.restoredBy', { restoredBy: '' }],
    ['data.removedAt', { removedAt: 'yesterday' }],
    ['data.labTitle', { labTitle: 7 }],
  ])('checks lab.restored data by its own schema: a bad %s is refused', (field, change) => {
    const parsed = parseLabAuditEvent({ ...restored, data: { ...restored.data, ...change } });
    expect(!parsed.ok && parsed.errors.map((e) => e.field)).toContain(field);
  });

  it('checks orphan_removed data by its own schema', () => {
    const parsed = parseLabAuditEvent({ ...deleted, type: 'io.cml-labs.lab.orphan_removed.v1' });
    expect(!parsed.ok && parsed.errors.map((e) => e.field)).toEqual(
      expect.arrayContaining(['data.trigger', 'data.reconciliationId', 'data.evidence']),
    );
  });
});
