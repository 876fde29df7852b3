import { Model } from 'mongoose';
import { SecretCipher, SecretDecryptionError } from '../../application/ports/secret-cipher';
import { WorkerDocument } from '../persistence/mongo/worker.schema';

export interface SecretReencryptionFailure {
  workerId: string;
  name: string;
  /** Why it failed; never contains a key or a password. */
  reason: string;
}

export interface SecretReencryptionReport {
  /** Rewritten under the current key, in the current format. */
  reencrypted: number;
  /** Already in the current format under the current key, and it opens. */
  alreadyCurrent: number;
  failed: number;
  failures: SecretReencryptionFailure[];
}

/** Attempts per worker when its document keeps changing between the read and the write. */
const MAX_ATTEMPTS = 3;

type StoredSecret = Pick<WorkerDocument, '_id' | 'name' | 'passwordCiphertext' | 'version'>;

/**
 * Rewrites every worker's CML password under the current key (SECRETS_KEY), in the current format.
 * Idempotent: a second run finds everything current. Every ciphertext is decrypted first, so one
 * that does not open for its worker (written for another worker, or under a key no longer
 * configured) is reported as failed and left as it is.
 *
 * The write is a compare-and-set on the version and the old ciphertext, and sets nothing else: a
 * reconciliation's summary written meanwhile is kept, and a concurrent PATCH, which would write the
 * stale ciphertext back, gets a conflict instead (its version is behind).
 */
export async function reencryptWorkerSecrets(
  model: Model<WorkerDocument>,
  cipher: SecretCipher,
): Promise<SecretReencryptionReport> {
  const report: SecretReencryptionReport = { reencrypted: 0, alreadyCurrent: 0, failed: 0, failures: [] };
  const projection = { _id: 1, name: 1, passwordCiphertext: 1, version: 1 };
  const workers = await model.find({}, projection).sort({ _id: 1 }).lean<StoredSecret[]>().exec();
  for (const listed of workers) {
    let worker: StoredSecret | null = listed;
    let outcome: Outcome = { kind: 'changed' };
    for (let attempt = 1; outcome.kind === 'changed' && attempt <= MAX_ATTEMPTS; attempt++) {
      if (attempt > 1)
        worker = await model.findOne({ _id: listed._id }, projection).lean<StoredSecret>().exec();
      if (!worker) break;
      outcome = await reencryptOne(model, cipher, worker);
    }
    if (!worker) continue; // removed meanwhile: nothing left to protect
    if (outcome.kind === 'reencrypted') report.reencrypted++;
    else if (outcome.kind === 'current') report.alreadyCurrent++;
    else {
      const reason =
        outcome.kind === 'failed'
          ? outcome.reason
          : `it changed during each of ${MAX_ATTEMPTS} attempts; run the command again`;
      report.failed++;
      report.failures.push({ workerId: worker._id, name: worker.name, reason });
    }
  }
  return report;
}

type Outcome = { kind: 'reencrypted' | 'current' | 'changed' } | { kind: 'failed'; reason: string };

async function reencryptOne(
  model: Model<WorkerDocument>,
  cipher: SecretCipher,
  worker: StoredSecret,
): Promise<Outcome> {
  let plaintext: string;
  try {
    plaintext = cipher.decrypt(worker.passwordCiphertext, worker._id);
  } catch (error) {
    if (error instanceof SecretDecryptionError) return { kind: 'failed', reason: error.reason };
    throw error;
  }
  if (cipher.isCurrent(worker.passwordCiphertext)) return { kind: 'current' };
  const result = await model
    .updateOne(
      { _id: worker._id, version: worker.version, passwordCiphertext: worker.passwordCiphertext },
      { $set: { passwordCiphertext: cipher.encrypt(plaintext, worker._id), version: worker.version + 1 } },
    )
    .exec();
  return { kind: result.matchedCount === 1 ? 'reencrypted' : 'changed' };
}
