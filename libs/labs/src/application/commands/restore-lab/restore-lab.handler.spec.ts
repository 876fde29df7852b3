import nock from 'nock';
import { ConflictError, NotFoundError, UpstreamFailureError } from '@app/common';
import { LabRecord } from '../../../domain/lab-record.aggregate';
import {
  CML_404,
  cmlAnswers,
  cmlLabBody,
  cmlThroughNockOnly,
  phase2Harness,
  PROXY_404,
} from '../../../testing/phase2-harness';
import { plainLabSnapshot } from '../../../testing/plain-lab-snapshot.fixture';
import { RestoreLabCommand } from './restore-lab.command';

const W = '11111111-1111-4111-8111-111111111111';
const B = plainLabSnapshot(2).id;
const C = plainLabSnapshot(3).id;
const t0 = new Date('2026-02-01T00:00:00Z');

describe('RestoreLabHandler', () => {
  let h: ReturnType<typeof phase2Harness>;
  cmlThroughNockOnly();
  beforeEach(() => {
    h = phase2Harness({ id: W }, {}, ['http://sink.test/']);
  });
  afterEach(() => h.dispose());

  function deletedRecord(): LabRecord {
    const record = LabRecord.discovered(W, plainLabSnapshot(2), t0);
    record.markDeleted({ deletedBy: 'carol', alreadyAbsentInCml: false, now: t0 });
    h.labs.seed(record);
    return record;
  }

  it('makes the record live again when CML answers 200, with lab.restored by the admin', async () => {
    deletedRecord();
    cmlAnswers({ labs: { [B]: { status: 200, body: cmlLabBody(B) } } });
    const view = await h.restore.execute(
      new RestoreLabCommand(W, B, 'admin-sub', '00-' + 'a'.repeat(32) + '-' + 'b'.repeat(16) + '-01'),
    );
    expect(view).toMatchObject({ workerId: W, labId: B, title: cmlLabBody(B).lab_title });
    expect((await h.labs.findOne(W, B))!.isRemoved).toBe(false);
    expect(h.published).toEqual([
      expect.objectContaining({
        type: 'lab.restored',
        restoredBy: 'admin-sub',
        traceparent: expect.any(String),
      }),
    ]);
    // Again: it is live, so nothing more happens (no second event).
    h.published.length = 0;
    await expect(h.restore.execute(new RestoreLabCommand(W, B, 'admin-sub'))).resolves.toMatchObject({
      labId: B,
    });
    expect(h.published).toEqual([]);
  });

  it('answers 409 when CML does not have the lab, and 502 for a proxy’s 404; the record stays removed', async () => {
    deletedRecord();
    cmlAnswers({ labs: { [B]: CML_404 } });
    await expect(h.restore.execute(new RestoreLabCommand(W, B, 'admin-sub'))).rejects.toBeInstanceOf(
      ConflictError,
    );
    nock.cleanAll();
    cmlAnswers({ labs: { [B]: PROXY_404 } });
    await expect(h.restore.execute(new RestoreLabCommand(W, B, 'admin-sub'))).rejects.toBeInstanceOf(
      UpstreamFailureError,
    );
    expect((await h.labs.findOne(W, B))!.isRemoved).toBe(true);
    expect(h.published).toEqual([]);
  });

  it('answers 404 for a lab without a record', async () => {
    cmlAnswers({});
    await expect(h.restore.execute(new RestoreLabCommand(W, C, 'admin-sub'))).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('a concurrent second restore adds no second event', async () => {
    deletedRecord();
    cmlAnswers({ labs: { [B]: { status: 200, body: cmlLabBody(B) } } });
    await Promise.all([
      h.restore.execute(new RestoreLabCommand(W, B, 'admin-1')),
      h.restore.execute(new RestoreLabCommand(W, B, 'admin-2')),
    ]);
    const stored = h.labs.documents.get(`${W}:${B}`)!;
    expect(stored.pastEvents.filter((e) => e.event.type === 'lab.restored')).toHaveLength(1);
    expect(h.published).toHaveLength(1);
  });
});
