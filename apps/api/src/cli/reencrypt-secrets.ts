/**
 * `npm run secrets:reencrypt` (in the image: `node dist/apps/api/src/cli/reencrypt-secrets.js`):
 * rewrites every worker's CML password under SECRETS_KEY, in the current format, with the
 * service's own configuration (the same environment as the service, SECRETS_KEYS_PREVIOUS holding
 * the keys being retired). Prints the counts; exits 0 when nothing failed, 1 when something did
 * (or the database could not be reached), 2 when the configuration is invalid.
 */
import mongoose from 'mongoose';
import { AppConfig, loadAppConfig, loadConfigOrExit } from '@app/common';
import { WorkerDocument, WorkerSchema } from '@app/workers';
import { AesGcmSecretCipher } from '@app/workers/infrastructure/crypto/aes-gcm-secret-cipher';
import { reencryptWorkerSecrets } from '@app/workers/infrastructure/crypto/reencrypt-worker-secrets';

/** Runs the re-encryption; returns the exit code. Prints no key and no password. */
export async function reencryptSecrets(
  config: AppConfig,
  print: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<number> {
  // autoIndex off: a maintenance command does not build the service's indexes.
  const connection = mongoose.createConnection(config.mongodbUri, {
    serverSelectionTimeoutMS: 10_000,
    bufferCommands: false,
    autoIndex: false,
  });
  try {
    const cipher = AesGcmSecretCipher.fromConfig(config);
    await connection.asPromise();
    const model = connection.model<WorkerDocument>(WorkerDocument.name, WorkerSchema);
    print(`re-encrypting CML passwords under key ${cipher.keyId} (SECRETS_KEY)`);
    const report = await reencryptWorkerSecrets(model, cipher);
    for (const f of report.failures) print(`failed: worker ${f.workerId} (${f.name}): ${f.reason}`);
    print(
      `re-encrypted: ${report.reencrypted}, already current: ${report.alreadyCurrent}, failed: ${report.failed}`,
    );
    return report.failed > 0 ? 1 : 0;
  } catch (error) {
    print(`secrets:reencrypt failed: ${(error as Error).message}`);
    return 1;
  } finally {
    await connection.close().catch(() => undefined);
  }
}

if (require.main === module) {
  void reencryptSecrets(loadConfigOrExit(() => loadAppConfig())).then((code) => process.exit(code));
}
