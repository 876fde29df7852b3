import { Logger } from '@nestjs/common';
import { ConflictError, InvalidInputError, NotFoundError } from '@app/common';
import { EndpointAddressPolicy } from '../../../domain/endpoint-address-policy';
import { FakeSecretCipher } from '../../../testing/fake-secret-cipher';
import { InMemoryWorkerRepository } from '../../../testing/in-memory-worker.repository';
import { ManualClock } from '../../../testing/manual-clock';
import { StaticEndpointResolver } from '../../../testing/static-endpoint-resolver';
import { aWorker } from '../../../testing/worker.fixture';
import { EndpointGuard } from '../../endpoint-guard';
import { UpdateWorkerCommand, UpdateWorkerInput } from './update-worker.command';
import { UpdateWorkerHandler } from './update-worker.handler';

const W = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';
const registeredAt = new Date('2026-01-01T00:00:00Z');

/** Resolves like StaticEndpointResolver, running `during` first: what happens while DNS answers. */
class SlowResolver extends StaticEndpointResolver {
  during: (() => Promise<void>) | null = null;
  override async resolve(host: string): Promise<string[]> {
    await this.during?.();
    return super.resolve(host);
  }
}

describe('UpdateWorkerHandler', () => {
  const cipher = new FakeSecretCipher();
  let clock: ManualClock;
  let workers: InMemoryWorkerRepository;
  let resolver: SlowResolver;
  let handler: UpdateWorkerHandler;

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => {
    clock = new ManualClock('2026-03-01T00:00:00Z');
    workers = new InMemoryWorkerRepository();
    workers.seed(
      aWorker(
        { id: W, name: 'Controller A', endpoint: 'https://cml-a.lab.test', password: 'old' },
        registeredAt,
      ),
      aWorker({ id: OTHER, name: 'Controller B', endpoint: 'https://cml-b.lab.test' }, registeredAt),
    );
    resolver = new SlowResolver({
      'cml-a.lab.test': ['10.0.0.1'],
      'cml-c.lab.test': ['10.0.0.3'],
      'metadata.evil.test': ['169.254.169.254'],
    });
    handler = new UpdateWorkerHandler(
      workers,
      cipher,
      clock,
      new EndpointGuard(resolver, new EndpointAddressPolicy([])),
    );
  });

  const update = (changes: UpdateWorkerInput, workerId = W) =>
    handler.execute(new UpdateWorkerCommand(workerId, changes));
  const stored = async (id = W) => (await workers.findById(id))!.toProps();

  it('stores the changed settings with the next version and returns them', async () => {
    const view = await update({ name: 'Controller A1', enabled: false, reconcileMode: 'paused' });

    expect(view).toMatchObject({
      id: W,
      name: 'Controller A1',
      endpoint: 'https://cml-a.lab.test',
      enabled: false,
      reconcileMode: 'paused',
      createdAt: registeredAt.toISOString(),
      updatedAt: clock.now().toISOString(),
    });
    expect(await stored()).toMatchObject({
      name: 'Controller A1',
      enabled: false,
      reconcileMode: 'paused',
      updatedAt: clock.now(),
      version: 1,
    });
  });

  it('applies successive updates, each on the version stored by the one before', async () => {
    await update({ name: 'Controller A1' });
    clock.advance(1000);
    await update({ name: 'Controller A2' });
    expect(await stored()).toMatchObject({ name: 'Controller A2', version: 2 });
  });

  it('seals a new password for this worker', async () => {
    await update({ password: 'new-secret' });
    expect(cipher.decrypt((await stored()).passwordCiphertext, W)).toBe('new-secret');
  });

  it('does not look the endpoint up again when it does not change', async () => {
    await update({ name: 'Controller A1', password: 'p' });
    expect(resolver.asked).toEqual([]);
  });

  it('moves the worker to another endpoint with a new password, checking the new address', async () => {
    const view = await update({ endpoint: 'https://CML-C.lab.test/', password: 'for-c' });
    expect(view.endpoint).toBe('https://cml-c.lab.test');
    expect(resolver.asked).toEqual(['cml-c.lab.test']);
    expect(await stored()).toMatchObject({ endpoint: 'https://cml-c.lab.test', version: 1 });
    expect(cipher.decrypt((await stored()).passwordCiphertext, W)).toBe('for-c');
  });

  it.each([
    ['another endpoint', { endpoint: 'https://cml-c.lab.test' }],
    ['another username', { username: 'someone-else' }],
    ['TLS verification off', { verifyTls: false }],
  ])(
    'refuses %s without a new password, so the stored one never follows it, and stores nothing',
    async (_what, changes) => {
      const before = await stored();
      const error = await update(changes).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).errors).toEqual([
        { field: 'password', message: 'required with this change' },
      ]);
      expect(await stored()).toEqual(before);
    },
  );

  it('refuses an endpoint that resolves to a blocked address and stores nothing', async () => {
    const before = await stored();
    const error = await update({ endpoint: 'https://metadata.evil.test', password: 'x' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).errors[0].field).toBe('endpoint');
    expect(await stored()).toEqual(before);
  });

  it('refuses bad input and stores nothing', async () => {
    const before = await stored();
    await expect(update({ name: '' })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(update({ caCertPem: 'nope' })).rejects.toBeInstanceOf(InvalidInputError);
    expect(await stored()).toEqual(before);
  });

  it.each([
    ['the name of another worker, in another case', { name: 'controller b' }, 'name'],
    ['the endpoint of another worker', { endpoint: 'https://cml-b.lab.test', password: 'x' }, 'endpoint'],
  ])('refuses %s with a conflict and stores nothing', async (_what, changes, field) => {
    const before = await stored();
    const error = await update(changes).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).details).toEqual({ field });
    expect(await stored()).toEqual(before);
  });

  it('is a 409 when another update was saved while this one was checking its endpoint, and keeps that update', async () => {
    resolver.during = async () => {
      resolver.during = null;
      await update({ name: 'Renamed meanwhile' });
    };
    const error = await update({ endpoint: 'https://cml-c.lab.test', password: 'x' }).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(ConflictError);
    expect((error as Error).message).toBe(`Worker ${W} was changed concurrently; read it again and retry`);
    expect(await stored()).toMatchObject({
      name: 'Renamed meanwhile',
      endpoint: 'https://cml-a.lab.test',
      version: 1,
    });
  });

  it('is a 404 for an unknown worker', async () => {
    await expect(update({ name: 'x' }, '33333333-3333-4333-8333-333333333333')).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});
