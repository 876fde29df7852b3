import { CmlContact } from '../../../domain/cml-contact';
import { InMemoryWorkerSyncStateRepository } from '../../../testing/in-memory-worker-sync-state.repository';
import { aReconcileSummary } from '../../../testing/reconcile-summary.fixture';
import { GetWorkerSyncStatesHandler } from './get-worker-sync-states.handler';
import { GetWorkerSyncStatesQuery } from './get-worker-sync-states.query';

const A = 'aaaaaaaa-0000-4000-8000-000000000000';
const B = 'bbbbbbbb-0000-4000-8000-000000000000';
const NEVER = 'cccccccc-0000-4000-8000-000000000000';

describe('GetWorkerSyncStatesHandler', () => {
  let syncStates: InMemoryWorkerSyncStateRepository;
  let handler: GetWorkerSyncStatesHandler;
  const contact: CmlContact = {
    version: '2.9.0',
    ready: true,
    accountIsAdmin: true,
    checkedAt: '2026-03-01T00:00:00.000Z',
  };
  const syncedAt = new Date('2026-03-01T00:00:00Z');

  beforeEach(async () => {
    syncStates = new InMemoryWorkerSyncStateRepository();
    handler = new GetWorkerSyncStatesHandler(syncStates);
    await syncStates.record(A, aReconcileSummary(A), syncedAt, contact);
    await syncStates.record(
      B,
      aReconcileSummary(B, { status: 'failed', reason: 'CML list not trusted' }),
      null,
    );
  });

  const get = (...ids: string[]) => handler.execute(new GetWorkerSyncStatesQuery(ids));

  it('answers one state per worker asked for: what was recorded, or an empty one', async () => {
    const states = await get(A, B, NEVER);
    expect([...states.keys()]).toEqual([A, B, NEVER]);
    expect(states.get(A)).toEqual({
      workerId: A,
      lastReconcile: aReconcileSummary(A),
      lastSuccessfulSyncAt: syncedAt,
      cml: contact,
    });
    expect(states.get(B)).toMatchObject({
      lastReconcile: { status: 'failed', reason: 'CML list not trusted' },
      lastSuccessfulSyncAt: null,
      cml: null,
    });
    expect(states.get(NEVER)).toEqual({
      workerId: NEVER,
      lastReconcile: null,
      lastSuccessfulSyncAt: null,
      cml: null,
    });
  });

  it('keeps the last successful sync and the contact through a later run that confirmed neither', async () => {
    const later = aReconcileSummary(A, { reconciliationId: 'r-2', status: 'failed' });
    await syncStates.record(A, later, null);
    expect((await get(A)).get(A)).toEqual({
      workerId: A,
      lastReconcile: later,
      lastSuccessfulSyncAt: syncedAt,
      cml: contact,
    });
  });

  it('forgets a removed worker', async () => {
    await syncStates.remove(A);
    expect((await get(A)).get(A)).toMatchObject({ lastReconcile: null, cml: null });
  });

  it('answers an empty map when asked for no worker', async () => {
    await expect(get()).resolves.toEqual(new Map());
  });
});
