import { Worker, WorkerProps } from '../domain/worker';
import { FakeSecretCipher } from './fake-secret-cipher';

export type WorkerFixtureInput = Partial<
  Pick<
    WorkerProps,
    'id' | 'name' | 'endpoint' | 'username' | 'verifyTls' | 'caCertPem' | 'enabled' | 'reconcileMode'
  >
> & { password?: string };

/**
 * A registered worker for specs, its password sealed by FakeSecretCipher (so WorkerDirectory over
 * that cipher can open it). The name and endpoint follow the id unless given, so that several
 * workers of one spec do not collide on the unique ones.
 */
export function aWorker(input: WorkerFixtureInput = {}, now = new Date('2026-03-01T00:00:00Z')): Worker {
  const id = input.id ?? '11111111-1111-4111-8111-111111111111';
  const short = id.slice(0, 8);
  return Worker.register(
    {
      id,
      name: input.name ?? `worker ${short}`,
      endpoint: input.endpoint ?? `https://cml-${short}.example.com`,
      username: input.username ?? 'admin',
      passwordCiphertext: new FakeSecretCipher().encrypt(input.password ?? 'secret', id),
      verifyTls: input.verifyTls ?? true,
      caCertPem: input.caCertPem ?? null,
      enabled: input.enabled,
      reconcileMode: input.reconcileMode,
    },
    now,
  );
}
