import { createHmac, randomBytes } from 'node:crypto';
import type { CmlConnectionSettings } from './cml-connection-settings.interface';

// Per-process key: a fingerprint that leaks (heap dump, debug log) cannot be brute-forced back to
// the password offline.
const FINGERPRINT_KEY = randomBytes(32);

/** Digest of every setting that affects a client; equal digests mean the cached client is still valid. */
export function fingerprintCmlSettings(settings: CmlConnectionSettings): string {
  const material = JSON.stringify([
    settings.workerId,
    settings.endpoint,
    settings.username,
    settings.password,
    settings.verifyTls,
    settings.caCertPem ?? null,
    settings.timeoutMs,
  ]);
  return createHmac('sha256', FINGERPRINT_KEY).update(material).digest('hex');
}
