import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import mongoose, { Connection, Model } from 'mongoose';
import { loadAppConfig } from '@app/common';
import { Worker, WorkerDirectory, WorkerDocument, WorkerSchema } from '@app/workers';
import { AesGcmSecretCipher } from '@app/workers/infrastructure/crypto/aes-gcm-secret-cipher';
import { legacyV1Ciphertext } from '@app/workers/infrastructure/crypto/testing/legacy-v1-ciphertext';
import { MongoWorkerRepository } from '@app/workers/infrastructure/persistence/mongo/mongo-worker.repository';
import { testDatabaseUri } from '../../../../test/support/test-database';
import { reencryptSecrets } from './reencrypt-secrets';

const t0 = new Date('2026-01-01T00:00:00Z');

describe('secrets:reencrypt (real FerretDB)', () => {
  const keyA = randomBytes(32).toString('base64');
  const keyB = randomBytes(32).toString('base64');
  let uri: string;
  let connection: Connection;
  let model: Model<WorkerDocument>;
  let repo: MongoWorkerRepository;
  const passwords = new Map<string, string>();

  const env = (current: string, previous: string[] = []) => ({
    MONGODB_URI: uri,
    SECRETS_KEY: current,
    SECRETS_KEYS_PREVIOUS: previous.join(','),
    AUTH_DISABLED: 'true',
  });

  async function run(current: string, previous: string[] = []): Promise<{ code: number; output: string }> {
    const lines: string[] = [];
    const code = await reencryptSecrets(loadAppConfig(env(current, previous)), (l) => lines.push(l));
    return { code, output: lines.join('\n') };
  }

  async function addWorker(
    name: string,
    ciphertext: (id: string, password: string) => string,
  ): Promise<string> {
    const id = randomUUID();
    const password = `pw-${name}-${randomBytes(6).toString('hex')}`;
    passwords.set(id, password);
    await repo.insert(
      Worker.register(
        {
          id,
          name,
          endpoint: `https://${name}.example.com`,
          username: 'admin',
          passwordCiphertext: ciphertext(id, password),
          verifyTls: true,
          caCertPem: null,
        },
        t0,
      ),
    );
    return id;
  }

  /** Every worker's password, as the service would send it to CML under `current` (+ `previous`). */
  async function decryptAll(current: string, previous: string[] = []): Promise<Map<string, string>> {
    const directory = new WorkerDirectory(
      repo,
      AesGcmSecretCipher.fromConfig(loadAppConfig(env(current, previous))),
    );
    const workers = await directory.all();
    return new Map(workers.map((w) => [w.id, directory.connectionOf(w).password]));
  }

  const stored = async (id: string) =>
    (await model.findOne({ _id: id }).lean<WorkerDocument>().exec())!.passwordCiphertext;

  beforeAll(async () => {
    uri = testDatabaseUri('reencrypt');
    connection = await mongoose.createConnection(uri).asPromise();
    model = connection.model<WorkerDocument>(WorkerDocument.name, WorkerSchema);
    await model.init();
    repo = new MongoWorkerRepository(model);
  });
  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  it('rotates A to B: re-encrypts, is idempotent, and everything decrypts once A is removed', async () => {
    const underA = new AesGcmSecretCipher(Buffer.from(keyA, 'base64'));
    const ids = [
      await addWorker('v2-a-1', (id, pw) => underA.encrypt(pw, id)),
      await addWorker('v2-a-2', (id, pw) => underA.encrypt(pw, id)),
      // Written before the v2 format (no key id, no associated data): the migration path.
      await addWorker('legacy', (_id, pw) => legacyV1Ciphertext(Buffer.from(keyA, 'base64'), pw)),
    ];
    expect(await decryptAll(keyA)).toEqual(passwords);
    const before = await model.findOne({ _id: ids[0] }).lean<WorkerDocument>().exec();

    // Rotate: B is current, A previous. Both formats still decrypt, and new writes use B.
    expect(await decryptAll(keyB, [keyA])).toEqual(passwords);
    const first = await run(keyB, [keyA]);
    expect(first.output).toContain('re-encrypted: 3, already current: 0, failed: 0');
    expect(first.code).toBe(0);
    const kidB = new AesGcmSecretCipher(Buffer.from(keyB, 'base64')).keyId;
    expect(first.output).toContain(`under key ${kidB}`);
    for (const id of ids) expect(await stored(id)).toMatch(new RegExp(`^v2\\.${kidB}\\.`));

    // Only the ciphertext and the version changed.
    const after = await model.findOne({ _id: ids[0] }).lean<WorkerDocument>().exec();
    expect({ ...after, passwordCiphertext: '', version: 0 }).toEqual({
      ...before,
      passwordCiphertext: '',
      version: 0,
    });
    expect(after!.version).toBe(before!.version + 1);

    const second = await run(keyB, [keyA]);
    expect(second.output).toContain('re-encrypted: 0, already current: 3, failed: 0');
    expect(second.code).toBe(0);

    // A removed: everything still decrypts under B alone.
    expect(await decryptAll(keyB)).toEqual(passwords);
    expect(await run(keyB)).toMatchObject({ code: 0 });
    for (const secret of [...passwords.values(), keyA, keyB]) {
      expect(first.output + second.output).not.toContain(secret);
    }
  });

  it('reports a ciphertext copied from another worker, or under a removed key, as failed and leaves it; exit 1', async () => {
    const underB = new AesGcmSecretCipher(Buffer.from(keyB, 'base64'));
    const victim = await addWorker('victim', (id, pw) => underB.encrypt(pw, id));
    const donor = [...passwords.keys()][0];
    const copied = await stored(donor);
    await model.collection.updateOne({ _id: victim as never }, { $set: { passwordCiphertext: copied } });
    const orphan = await addWorker('under-c', (id, pw) =>
      new AesGcmSecretCipher(randomBytes(32)).encrypt(pw, id),
    );

    const result = await run(keyB, [keyA]);
    expect(result.code).toBe(1);
    expect(result.output).toContain('re-encrypted: 0, already current: 3, failed: 2');
    expect(result.output).toContain(`failed: worker ${victim} (victim): it does not authenticate`);
    expect(result.output).toContain(`failed: worker ${orphan} (under-c): it was written under key`);
    expect(await stored(victim)).toBe(copied);
    for (const secret of [...passwords.values(), keyA, keyB]) expect(result.output).not.toContain(secret);

    // The service refuses it too, rather than sending the donor's password to the victim's controller.
    const directory = new WorkerDirectory(repo, underB);
    const worker = await directory.require(victim);
    expect(() => directory.connectionOf(worker)).toThrow(
      `The stored CML password of worker ${victim} cannot be decrypted`,
    );
    await repo.remove(victim);
    await repo.remove(orphan);
  });

  it('runs as `npm run secrets:reencrypt` with the service environment, exit code and counts', async () => {
    const exec = promisify(execFile);
    const { stdout } = await exec('npm', ['run', '--silent', 'secrets:reencrypt'], {
      env: { ...process.env, ...env(keyB), LOG_LEVEL: 'silent' },
      timeout: 60_000,
    });
    expect(stdout).toContain('re-encrypted: 0, already current: 3, failed: 0');

    const failing = await exec('npm', ['run', '--silent', 'secrets:reencrypt'], {
      env: { ...process.env, ...env(randomBytes(32).toString('base64')) },
      timeout: 60_000,
    }).catch((error: { code: number; stdout: string }) => error);
    expect(failing).toMatchObject({ code: 1 });
    expect((failing as { stdout: string }).stdout).toContain('already current: 0, failed: 3');
  }, 90_000);
});
