import { randomUUID } from 'node:crypto';
import { RunningCmlSimulator, startCmlSimulator } from '@app/cml-simulator';
import { ApiHarness, startApiHarness } from './support/api-harness';

/**
 * A ciphertext is bound to its worker (GCM associated data): one copied onto another worker's
 * document, in the real database, fails to decrypt with a clear error, and the other worker's
 * password is never sent anywhere.
 */
describe('Secrets at rest (e2e, FerretDB + two CML simulators over HTTPS)', () => {
  let h: ApiHarness;
  let other: RunningCmlSimulator;
  let victimId: string;
  let donorId: string;

  beforeAll(async () => {
    h = await startApiHarness('secrets_at_rest');
    other = await startCmlSimulator({
      users: [{ username: 'admin', password: 'other-password', admin: true }],
    });
    donorId = await h.registerSimulatorWorker('donor');
    const victim = await h
      .http()
      .post('/api/workers')
      .send({
        name: 'victim',
        endpoint: other.url,
        username: 'admin',
        password: 'other-password',
        caCertPem: other.caCertPem,
      })
      .expect(201);
    victimId = victim.body.id as string;
  });
  afterAll(async () => {
    await h.close();
    await other.close();
  });

  it("refuses a ciphertext copied from another worker's document, and sends no password", async () => {
    await h.http().post(`/api/workers/${victimId}/labs/refresh`).expect(200);
    const workers = h.db.collection<{ _id: string; passwordCiphertext: string }>('workers');
    const donor = await workers.findOne({ _id: donorId });
    await workers.updateOne({ _id: victimId }, { $set: { passwordCiphertext: donor!.passwordCiphertext } });
    other.state.resetStats();

    const refresh = await h.http().post(`/api/workers/${victimId}/labs/refresh`);
    expect(refresh.status).toBe(500);
    expect(refresh.headers['content-type']).toContain('application/problem+json');
    expect(refresh.body.detail).toBe(
      `The stored CML password of worker ${victimId} cannot be decrypted: it does not authenticate: it was written for another worker, or altered`,
    );
    const remove = await h.http().delete(`/api/workers/${victimId}/labs/${randomUUID()}`);
    expect(remove.status).toBe(500);
    expect(remove.body.detail).toContain(`worker ${victimId} cannot be decrypted`);
    // Nothing reached the victim's controller: the donor's password was never tried there.
    expect(other.state.stats().total).toBe(0);
    expect(JSON.stringify([refresh.body, remove.body])).not.toContain('admin-password');

    // The donor keeps working; a new password through the API repairs the victim.
    await h.http().post(`/api/workers/${donorId}/labs/refresh`).expect(200);
    await h.http().patch(`/api/workers/${victimId}`).send({ password: 'other-password' }).expect(200);
    await h.http().post(`/api/workers/${victimId}/labs/refresh`).expect(200);
  });
});
