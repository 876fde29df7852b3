import { EventBus, EventPublisher } from '@nestjs/cqrs';
import {
  CmlClient,
  CmlClientFactory,
  CmlConflictError,
  CmlLab,
  CmlNotFoundError,
  CmlTimeoutError,
  CmlUnavailableError,
} from '@app/cml-client';
import {
  AppConfig,
  Clock,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UpstreamFailureError,
  UpstreamTimeoutError,
} from '@app/common';
import { Worker, WorkerDirectory } from '@app/workers';
import { DeleteIntent } from '../../../domain/delete-intent';
import { LabRecord } from '../../../domain/lab-record.aggregate';
import { InMemoryLabRecordRepository } from '../../../testing/in-memory-lab-record.repository';
import { RecordingLabsMetrics } from '../../../testing/recording-labs-metrics';
import { DeleteLabCommand, DeleteLabRequester } from './delete-lab.command';
import { InProcessWorkerWriteLock } from '../../in-process-worker-write-lock';
import { DeleteLabHandler } from './delete-lab.handler';

const W = '11111111-1111-4111-8111-111111111111';
const L = '22222222-2222-4222-8222-222222222222';
const now = new Date('2026-03-01T00:00:00Z');

function cmlLab(state: string): CmlLab {
  return {
    id: L,
    state,
    created: '2026-01-01T00:00:00Z',
    modified: '2026-01-01T00:00:00Z',
    title: 'OSPF lab',
    description: '',
    notes: '',
    owner: 'u-1',
    ownerUsername: 'alice',
    ownerFullname: 'Alice',
    nodeCount: 2,
    linkCount: 1,
    groups: [],
  };
}

describe('DeleteLabHandler', () => {
  let labs: InMemoryLabRecordRepository;
  let client: jest.Mocked<
    Pick<CmlClient, 'getLab' | 'stopLab' | 'wipeLab' | 'deleteLab' | 'waitForLabState' | 'account'>
  >;
  let published: unknown[];
  let worker: Worker;
  let handler: DeleteLabHandler;
  let metrics: RecordingLabsMetrics;

  beforeEach(() => {
    labs = new InMemoryLabRecordRepository();
    published = [];
    worker = Worker.register(
      {
        id: W,
        name: 'w',
        endpoint: 'https://cml.example.com',
        username: 'u',
        passwordCiphertext: 'x',
        verifyTls: true,
        caCertPem: null,
      },
      now,
    );
    // Like CML, the fake refuses to delete a lab that is not wiped (400 → CmlConflictError): the
    // state is what getLab is set to answer, until this delete wipes it.
    let wiped = false;
    client = {
      getLab: jest.fn().mockResolvedValue(cmlLab('DEFINED_ON_CORE')),
      stopLab: jest.fn().mockResolvedValue(undefined),
      wipeLab: jest.fn(async (_labId: string) => {
        wiped = true;
      }),
      deleteLab: jest.fn(async (id: string) => {
        const lab = await client.getLab.getMockImplementation()?.(id);
        if (lab && lab.state !== 'DEFINED_ON_CORE' && !wiped)
          throw new CmlConflictError(`Lab ${id} is not wiped`, {
            status: 400,
            route: 'labs.delete',
          } as never);
      }),
      waitForLabState: jest.fn(
        async (_id: string, states: readonly string[], _timeoutMs: number) => states[0],
      ),
      account: jest.fn().mockResolvedValue({ username: 'u', userId: 'u-id', admin: true }),
    };
    const directory = {
      require: async (id: string) => {
        if (id !== W) throw new NotFoundError('no');
        return worker;
      },
      connectionOf: () => ({
        workerId: W,
        endpoint: 'https://cml.example.com',
        username: 'u',
        password: 'p',
        verifyTls: true,
        caCertPem: null,
      }),
    } as unknown as WorkerDirectory;
    const factory = { forWorker: () => client } as unknown as CmlClientFactory;
    const clock: Clock = { now: () => now };
    const eventBus = { publishAll: (events: unknown[]) => published.push(...events) } as unknown as EventBus;
    const publisher = new EventPublisher(eventBus);
    metrics = new RecordingLabsMetrics();
    handler = new DeleteLabHandler(
      directory,
      labs,
      factory,
      { cmlTimeoutMs: 1000, cmlConvergeTimeoutMs: 5000 } as AppConfig,
      clock,
      publisher,
      metrics,
      new InProcessWorkerWriteLock(),
    );
    labs.seed(LabRecord.discovered(W, cmlLab('DEFINED_ON_CORE'), now));
  });

  /** CML holds the lab in this state, and the record says so too, as the last sync left it. */
  const cmlHas = (state: string) => {
    client.getLab.mockResolvedValue(cmlLab(state));
    labs.seed(LabRecord.discovered(W, cmlLab(state), now));
  };
  const stored = () => labs.findOne(W, L);
  /** The delete intents stored on the lab's record (Phase 1's delete in progress). */
  const storedIntents = async () => {
    const intent = (await stored())?.deleteIntent;
    return intent ? [intent] : [];
  };
  const run = (force = false, requester: Partial<DeleteLabRequester> = {}) =>
    handler.execute(new DeleteLabCommand(W, L, force, { subject: 'bob', isAdmin: true, ...requester }));

  it('deletes in CML, then tombstones the record and publishes LabDeleted once', async () => {
    await expect(run()).resolves.toEqual({
      workerId: W,
      labId: L,
      message: 'Lab deleted successfully',
      alreadyAbsentInCml: false,
      localRecordRemoved: true,
    });
    expect(client.deleteLab).toHaveBeenCalledWith(L);
    expect((await stored())?.removal?.kind).toBe('lab.deleted');
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({ type: 'lab.deleted', deletedBy: 'bob', labTitle: 'OSPF lab' });
    expect(metrics.deletes).toEqual(['deleted']);
  });

  it("keeps the deleter's username claim in the event and in the delete intent (for notifications)", async () => {
    let intentDuringDelete: unknown;
    client.deleteLab.mockImplementation(async () => {
      intentDuringDelete = (await stored())?.deleteIntent;
    });
    await run(false, { username: 'bob.smith' });
    expect(intentDuringDelete).toMatchObject({ by: 'bob', byUsername: 'bob.smith' });
    expect(published[0]).toMatchObject({
      type: 'lab.deleted',
      deletedBy: 'bob',
      deletedByUsername: 'bob.smith',
    });
  });

  it('refuses a started lab without force and changes nothing', async () => {
    cmlHas('STARTED');
    await expect(run()).rejects.toBeInstanceOf(ConflictError);
    expect(metrics.deletes).toEqual(['conflict']);
    expect(client.deleteLab).not.toHaveBeenCalled();
    expect((await stored())?.isRemoved).toBe(false);
  });

  it('with force stops, waits until stopped, wipes, waits until wiped, then deletes a started lab', async () => {
    cmlHas('STARTED');
    await run(true);
    const calls = [client.stopLab, client.waitForLabState, client.wipeLab, client.deleteLab].map(
      (m) => m.mock.invocationCallOrder,
    );
    const [stop, [waitStopped, waitWiped], wipe, del] = calls;
    expect([stop[0], waitStopped, wipe[0], waitWiped, del[0]]).toEqual(
      [stop[0], waitStopped, wipe[0], waitWiped, del[0]].sort((a, b) => a - b),
    );
    expect(client.waitForLabState).toHaveBeenNthCalledWith(1, L, ['STOPPED', 'DEFINED_ON_CORE'], 5000);
    expect(client.waitForLabState).toHaveBeenNthCalledWith(2, L, ['DEFINED_ON_CORE'], 5000);
  });

  it('with force wipes a stopped lab without stopping it', async () => {
    cmlHas('STOPPED');
    await run(true);
    expect(client.stopLab).not.toHaveBeenCalled();
    expect(client.wipeLab).toHaveBeenCalledWith(L);
    expect(client.deleteLab).toHaveBeenCalledWith(L);
  });

  it('names the step and the CML changes made when the stop does not converge in time (504)', async () => {
    cmlHas('STARTED');
    client.waitForLabState.mockRejectedValueOnce(
      new CmlTimeoutError('did not reach STOPPED', { workerId: W, route: 'labs.state' }),
    );
    const error = await run(true).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamTimeoutError);
    expect((error as UpstreamTimeoutError).extensions).toEqual({
      step: 'wait-stopped',
      cmlChanges: ['stop-requested'],
    });
    expect(client.wipeLab).not.toHaveBeenCalled();
    expect((await stored())?.isRemoved).toBe(false);
  });

  it('names the wipe as the failed step of a lab it has stopped already (409)', async () => {
    cmlHas('STARTED');
    client.wipeLab.mockRejectedValueOnce(
      new CmlConflictError('Lab is running', { workerId: W, route: 'labs.wipe', status: 400 }),
    );
    const error = await run(true).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).extensions).toEqual({ step: 'wipe', cmlChanges: ['stopped'] });
    expect(client.deleteLab).not.toHaveBeenCalled();
  });

  it('names the read as the step of a refused unforced delete, with no CML change', async () => {
    cmlHas('STARTED');
    const error = await run(false).catch((e: unknown) => e);
    expect((error as ConflictError).extensions).toEqual({ step: 'read', cmlChanges: [] });
  });

  it.each([false, null])(
    "does not take CML's 404 as gone when the account's admin flag is %s (502, record kept)",
    async (admin) => {
      client.account.mockResolvedValue({ username: 'student', userId: null, admin });
      client.getLab.mockRejectedValue(
        new CmlNotFoundError('Lab not found', { workerId: W, route: 'labs.get', status: 404 }),
      );
      const error = await run().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UpstreamFailureError);
      expect((error as Error).message).toContain('"student"');
      expect((await stored())?.isRemoved).toBe(false);
      expect(published).toHaveLength(0);
    },
  );

  it('counts a CML 404 as deleted', async () => {
    client.getLab.mockRejectedValue(
      new CmlNotFoundError('Lab not found', { workerId: W, route: 'labs.get', status: 404 }),
    );
    await expect(run()).resolves.toMatchObject({ alreadyAbsentInCml: true, localRecordRemoved: true });
    expect(published[0]).toMatchObject({ alreadyAbsentInCml: true });
  });

  it('is a 404 when the lab is absent in CML and locally', async () => {
    labs.documents.clear();
    client.getLab.mockRejectedValue(
      new CmlNotFoundError('Lab not found', { workerId: W, route: 'labs.get', status: 404 }),
    );
    await expect(run()).rejects.toBeInstanceOf(NotFoundError);
  });

  it('maps CML failures to 502 and timeouts to 504 without touching the record', async () => {
    client.deleteLab.mockRejectedValueOnce(
      new CmlUnavailableError('CML answered 500', {
        workerId: W,
        route: 'labs.delete',
        status: 500,
        reason: 'server_error' as never,
      }),
    );
    await expect(run()).rejects.toBeInstanceOf(UpstreamFailureError);
    client.deleteLab.mockRejectedValueOnce(
      new CmlTimeoutError('no answer', { workerId: W, route: 'labs.delete' }),
    );
    await expect(run()).rejects.toBeInstanceOf(UpstreamTimeoutError);
    expect((await stored())?.isRemoved).toBe(false);
    expect(published).toHaveLength(0);
  });

  it('reports a failed local write instead of failing: Phase 2 completes the removal', async () => {
    // The database went away after the record (and the intent) was written, while CML deleted.
    jest.spyOn(labs, 'saveDeletion').mockRejectedValue(new Error('database down'));
    await expect(run()).resolves.toMatchObject({ localRecordRemoved: false, alreadyAbsentInCml: false });
    expect(client.deleteLab).toHaveBeenCalled();
    expect(published).toHaveLength(0);
  });

  it('emits nothing when the record was removed first by another phase', async () => {
    const record = (await stored())!;
    record.markOrphanRemoved({
      trigger: 'scheduled',
      reconciliationId: 'r',
      lastSeenAt: now,
      evidence: { listedAt: now.toISOString(), confirmedBy: 'lookup-404' },
      now,
    });
    labs.seed(record);
    client.getLab.mockRejectedValue(
      new CmlNotFoundError('Lab not found', { workerId: W, route: 'labs.get', status: 404 }),
    );
    await expect(run()).rejects.toBeInstanceOf(NotFoundError);
    expect(published).toHaveLength(0);
  });

  it('stores who deletes before it changes anything in CML, and clears it when the delete is done', async () => {
    cmlHas('STARTED');
    let atFirstChange: DeleteIntent[] = [];
    client.stopLab.mockImplementation(async () => {
      atFirstChange = await storedIntents();
    });
    await run(true);
    expect(atFirstChange).toEqual([{ workerId: W, labId: L, by: 'bob', at: now, force: true }]);
    expect(await storedIntents()).toEqual([]);
  });

  it('clears the intent when CML refuses or fails: that request deleted nothing', async () => {
    cmlHas('STOPPED');
    client.wipeLab.mockRejectedValueOnce(
      new CmlUnavailableError('CML answered 500', {
        workerId: W,
        route: 'labs.wipe',
        status: 500,
        reason: 'server_error' as never,
      }),
    );
    await expect(run(true)).rejects.toBeInstanceOf(UpstreamFailureError);
    expect(await storedIntents()).toEqual([]);
  });

  it('keeps the intent when the tombstone could not be written, for Phase 2 to complete the delete', async () => {
    jest.spyOn(labs, 'saveDeletion').mockRejectedValue(new Error('database down'));
    await expect(run()).resolves.toMatchObject({ localRecordRemoved: false });
    expect(await storedIntents()).toEqual([{ workerId: W, labId: L, by: 'bob', at: now, force: false }]);
  });

  it('touches CML not at all when the database is down from the start', async () => {
    labs.failWrites = new Error('database down');
    await expect(run()).rejects.toThrow('database down');
    expect(client.deleteLab).not.toHaveBeenCalled();
    expect(client.getLab).not.toHaveBeenCalled();
  });

  it('leaves no intent after a refused unforced delete', async () => {
    cmlHas('STARTED');
    await expect(run(false)).rejects.toBeInstanceOf(ConflictError);
    expect(await storedIntents()).toEqual([]);
  });

  describe('who may force', () => {
    it.each([
      ['the owner', { isAdmin: false, username: 'alice' }],
      ['an admin', { isAdmin: true, username: 'carol' }],
    ])('lets %s force-delete a started lab', async (_who, requester) => {
      cmlHas('STARTED');
      await expect(run(true, requester)).resolves.toMatchObject({ localRecordRemoved: true });
      expect(client.stopLab).toHaveBeenCalled();
    });

    it.each([
      ['another operator', { isAdmin: false, username: 'bob' }],
      ['a token without a username', { isAdmin: false, username: undefined }],
    ])('refuses %s with 403 before touching CML or the record', async (_who, requester) => {
      cmlHas('STARTED');
      const error = await run(true, requester).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ForbiddenError);
      expect((error as ForbiddenError).extensions).toEqual({ step: 'read', cmlChanges: [] });
      expect(client.stopLab).not.toHaveBeenCalled();
      expect(client.deleteLab).not.toHaveBeenCalled();
      expect(await storedIntents()).toEqual([]);
      expect(metrics.deletes).toEqual(['forbidden']);
    });

    it("lets any operator delete another user's wiped lab (force changes nothing there)", async () => {
      await expect(run(true, { isAdmin: false, username: 'bob' })).resolves.toMatchObject({
        localRecordRemoved: true,
      });
    });
  });

  it('refuses a disabled worker', async () => {
    worker.apply({ enabled: false }, now);
    await expect(run()).rejects.toBeInstanceOf(ConflictError);
    expect(client.getLab).not.toHaveBeenCalled();
  });
  describe('at the request floor', () => {
    it('deletes a lab its record says is wiped with the DELETE alone: one CML request', async () => {
      await expect(run()).resolves.toMatchObject({ alreadyAbsentInCml: false, localRecordRemoved: true });
      expect(client.getLab).not.toHaveBeenCalled();
      expect(client.deleteLab).toHaveBeenCalledTimes(1);
      expect(client.account).not.toHaveBeenCalled();
      expect((await stored())?.removal?.kind).toBe('lab.deleted');
      expect(published).toEqual([expect.objectContaining({ type: 'lab.deleted', labTitle: 'OSPF lab' })]);
      expect(await storedIntents()).toEqual([]);
    });

    it('reads a lab it has no record of before the delete, to build its tombstone', async () => {
      labs.documents.clear();
      await expect(run()).resolves.toMatchObject({ localRecordRemoved: true });
      expect(client.getLab).toHaveBeenCalledTimes(1);
      expect(client.getLab.mock.invocationCallOrder[0]).toBeLessThan(
        client.deleteLab.mock.invocationCallOrder[0]!,
      );
      expect((await stored())?.toProps().title).toBe('OSPF lab');
    });

    describe('when the record is stale (the lab was started since the last sync)', () => {
      beforeEach(() => client.getLab.mockResolvedValue(cmlLab('STARTED')));

      it('takes CML’s refusal of the DELETE, reads the lab and refuses without force: nothing changed', async () => {
        const error = await run(false).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ConflictError);
        expect((error as ConflictError).extensions).toEqual({ step: 'read', cmlChanges: [] });
        expect(client.getLab).toHaveBeenCalledTimes(1);
        expect(client.stopLab).not.toHaveBeenCalled();
        expect((await stored())?.isRemoved).toBe(false);
        expect(await storedIntents()).toEqual([]);
        expect(published).toEqual([]);
      });

      it('refuses another operator’s force with 403 before stopping anything', async () => {
        await expect(run(true, { isAdmin: false, username: 'mallory' })).rejects.toBeInstanceOf(
          ForbiddenError,
        );
        expect(client.stopLab).not.toHaveBeenCalled();
        expect((await stored())?.isRemoved).toBe(false);
      });

      it('with an admin’s force, stops, wipes, then deletes', async () => {
        await expect(run(true)).resolves.toMatchObject({ localRecordRemoved: true });
        expect(client.stopLab).toHaveBeenCalledTimes(1);
        expect(client.wipeLab).toHaveBeenCalledTimes(1);
        expect(client.deleteLab).toHaveBeenCalledTimes(2);
        expect((await stored())?.removal?.kind).toBe('lab.deleted');
      });
    });
  });
});
