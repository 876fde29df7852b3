import { Logger } from '@nestjs/common';
import { ConflictError, InvalidInputError } from '@app/common';
import { EndpointAddressPolicy } from '../../../domain/endpoint-address-policy';
import { FakeSecretCipher } from '../../../testing/fake-secret-cipher';
import { InMemoryWorkerRepository } from '../../../testing/in-memory-worker.repository';
import { ManualClock } from '../../../testing/manual-clock';
import { StaticEndpointResolver } from '../../../testing/static-endpoint-resolver';
import { EndpointGuard } from '../../endpoint-guard';
import { RegisterWorkerCommand, RegisterWorkerInput } from './register-worker.command';
import { RegisterWorkerHandler } from './register-worker.handler';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUYQ==\n-----END CERTIFICATE-----';

describe('RegisterWorkerHandler', () => {
  const clock = new ManualClock('2026-03-01T00:00:00Z');
  const cipher = new FakeSecretCipher();
  let workers: InMemoryWorkerRepository;
  let resolver: StaticEndpointResolver;
  let handler: RegisterWorkerHandler;

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => {
    workers = new InMemoryWorkerRepository();
    resolver = new StaticEndpointResolver({
      'cml.lab.test': ['10.1.2.3'],
      'cml2.lab.test': ['10.1.2.4'],
      'metadata.evil.test': ['169.254.169.254'],
    });
    handler = new RegisterWorkerHandler(
      workers,
      cipher,
      clock,
      new EndpointGuard(resolver, new EndpointAddressPolicy([])),
    );
  });

  const register = (input: Partial<RegisterWorkerInput> = {}) =>
    handler.execute(
      new RegisterWorkerCommand({
        name: 'Lab controller 1',
        endpoint: 'https://CML.lab.test:8443/',
        username: 'admin',
        password: 's3cret',
        ...input,
      }),
    );

  it('stores the worker with a new id, its endpoint normalised and the defaults, and returns it without credentials', async () => {
    const view = await register();

    expect(view).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'Lab controller 1',
      endpoint: 'https://cml.lab.test:8443',
      verifyTls: true,
      enabled: true,
      reconcileMode: 'enforce',
      createdAt: clock.now().toISOString(),
      updatedAt: clock.now().toISOString(),
    });
    const stored = (await workers.findById(view.id))!.toProps();
    expect(stored).toMatchObject({
      name: 'Lab controller 1',
      username: 'admin',
      caCertPem: null,
      version: 0,
    });
    expect(JSON.stringify(view)).not.toContain('s3cret');
  });

  it('stores the password sealed for this worker only, never in plain text', async () => {
    const { id } = await register();
    const { passwordCiphertext } = (await workers.findById(id))!.toProps();
    expect(passwordCiphertext).not.toContain('s3cret');
    expect(cipher.decrypt(passwordCiphertext, id)).toBe('s3cret');
    expect(() => cipher.decrypt(passwordCiphertext, '99999999-9999-4999-8999-999999999999')).toThrow(
      'written for another worker',
    );
  });

  it('keeps the settings given: TLS, CA, enabled and reconcile mode', async () => {
    const view = await register({
      verifyTls: false,
      caCertPem: PEM,
      enabled: false,
      reconcileMode: 'observe',
    });
    expect(view).toMatchObject({ verifyTls: false, enabled: false, reconcileMode: 'observe' });
    expect((await workers.findById(view.id))!.toProps().caCertPem).toBe(`${PEM}\n`);
  });

  it('gives every worker its own id', async () => {
    const a = await register();
    const b = await register({ name: 'Lab controller 2', endpoint: 'https://cml2.lab.test' });
    expect(a.id).not.toBe(b.id);
    expect((await workers.findAll()).map((w) => w.name).sort()).toEqual([
      'Lab controller 1',
      'Lab controller 2',
    ]);
  });

  it.each([
    ['a name taken in another case', { name: 'LAB CONTROLLER 1', endpoint: 'https://cml2.lab.test' }, 'name'],
    ['an endpoint taken', { name: 'Lab controller 2' }, 'endpoint'],
  ])('refuses %s with a conflict and stores nothing', async (_what, second, field) => {
    await register();
    const error = await register(second).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).details).toEqual({ field });
    expect(await workers.findAll()).toHaveLength(1);
  });

  it.each([
    ['a plain-http endpoint', { endpoint: 'http://cml.lab.test' }, 'endpoint'],
    ['an endpoint with a path', { endpoint: 'https://cml.lab.test/api' }, 'endpoint'],
    ['an empty name', { name: '   ' }, 'name'],
    ['an empty username', { username: ' ' }, 'username'],
    ['a CA that is not PEM', { caCertPem: 'not a certificate' }, 'caCertPem'],
  ])('refuses %s as bad input and stores nothing', async (_what, input, field) => {
    const error = await register(input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).errors.map((e) => e.field)).toEqual([field]);
    expect(await workers.findAll()).toEqual([]);
  });

  it('refuses an endpoint that resolves to the cloud metadata address and stores nothing', async () => {
    const error = await register({ endpoint: 'https://metadata.evil.test' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).errors).toEqual([
      { field: 'endpoint', message: 'resolves to a cloud metadata address (169.254.169.254)' },
    ]);
    expect(await workers.findAll()).toEqual([]);
  });

  it('refuses a loopback IP literal', async () => {
    await expect(register({ endpoint: 'https://127.0.0.1:9443' })).rejects.toBeInstanceOf(InvalidInputError);
    expect(await workers.findAll()).toEqual([]);
  });

  it('registers a worker whose host does not resolve yet: the controller may be offline today', async () => {
    const view = await register({ endpoint: 'https://not-in-dns-yet.lab.test' });
    expect(await workers.findById(view.id)).not.toBeNull();
    expect(resolver.asked).toEqual(['not-in-dns-yet.lab.test']);
  });
});
