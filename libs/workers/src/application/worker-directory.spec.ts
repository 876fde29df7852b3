import { NotFoundError } from '@app/common';
import { FakeSecretCipher } from '../testing/fake-secret-cipher';
import { InMemoryWorkerRepository } from '../testing/in-memory-worker.repository';
import { aWorker } from '../testing/worker.fixture';
import { WorkerDirectory } from './worker-directory';

const W = '11111111-1111-4111-8111-111111111111';

describe('WorkerDirectory', () => {
  let workers: InMemoryWorkerRepository;
  let cipher: FakeSecretCipher;
  let directory: WorkerDirectory;

  beforeEach(() => {
    workers = new InMemoryWorkerRepository();
    cipher = new FakeSecretCipher();
    directory = new WorkerDirectory(workers, cipher);
    workers.seed(aWorker({ id: W, password: 'first' }));
  });

  it('decrypts a worker’s password once per stored version', async () => {
    const decrypt = jest.spyOn(cipher, 'decrypt');
    const worker = await directory.require(W);
    expect(directory.connectionOf(worker).password).toBe('first');
    expect(directory.connectionOf(await directory.require(W)).password).toBe('first');
    expect(decrypt).toHaveBeenCalledTimes(1);
  });

  it('never hands out a connection of an older version: a new password or endpoint is used at once', async () => {
    const worker = await directory.require(W);
    directory.connectionOf(worker);
    worker.apply(
      { passwordCiphertext: cipher.encrypt('second', W), endpoint: 'https://cml-new.example.com' },
      new Date('2026-03-02T00:00:00Z'),
    );
    expect(await workers.save(worker)).toBe(true);

    const connection = directory.connectionOf(await directory.require(W));
    expect(connection).toMatchObject({ password: 'second', endpoint: 'https://cml-new.example.com' });
  });

  it('hands out copies: a caller changing its connection changes nobody else’s', async () => {
    const worker = await directory.require(W);
    directory.connectionOf(worker).password = 'tampered';
    expect(directory.connectionOf(worker).password).toBe('first');
  });

  it('requires a worker that exists', async () => {
    await expect(directory.require('22222222-2222-4222-8222-222222222222')).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});
