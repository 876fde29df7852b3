import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { AppConfig } from '@app/common';
import { SecretCipher, SecretDecryptionError } from '../../application/ports/secret-cipher';

const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
/** Node accepts GCM tags down to 4 bytes unless told otherwise; a shorter tag is an easier forgery. */
const TAG_BYTES = 16;
const FORMAT = 'v2';
const LEGACY_FORMAT = 'v1';
const BASE64URL = /^[A-Za-z0-9_-]*$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The key id stored in each ciphertext: the first 8 hex digits of the key's SHA-256. Derived from
 * the key, so no registry of keys is needed, and it tells nothing usable about the key.
 */
export function secretKeyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/**
 * The GCM associated data: the format and the worker id. A ciphertext copied onto another
 * worker's document fails authentication instead of handing that worker the other's password.
 */
function associatedData(workerId: string): Buffer {
  return Buffer.from(`cml-labs/${FORMAT}/worker-password/${workerId}`, 'utf8');
}

/**
 * AES-256-GCM with a random 96-bit IV per secret and a 128-bit tag, bound to its worker.
 *
 * Format `v2.<kid>.<iv>.<tag>.<ciphertext>` (base64url parts, kid = {@link secretKeyId}): new
 * writes use the current key; ciphertexts under a previous key still open, so the key can be
 * rotated (the re-encrypt command then rewrites them). The legacy `v1:<iv>:<tag>:<ciphertext>`
 * (base64, no key id, no associated data) still opens under whichever configured key wrote it,
 * only so that it can be re-encrypted.
 */
export class AesGcmSecretCipher extends SecretCipher {
  private readonly currentKid: string;
  /** By key id, current key first: a legacy ciphertext is most likely under it. */
  private readonly keys = new Map<string, Buffer>();

  /**
   * @param current the key new secrets are written under (SECRETS_KEY).
   * @param previous keys that still decrypt (SECRETS_KEYS_PREVIOUS); a copy of `current` is ignored.
   */
  constructor(
    private readonly current: Buffer,
    previous: readonly Buffer[] = [],
  ) {
    super();
    if (current.length !== KEY_BYTES) throw new Error('SECRETS_KEY must be 32 bytes');
    this.currentKid = secretKeyId(current);
    this.keys.set(this.currentKid, current);
    previous.forEach((key, i) => {
      if (key.length !== KEY_BYTES) throw new Error(`SECRETS_KEYS_PREVIOUS key ${i + 1} must be 32 bytes`);
      const kid = secretKeyId(key);
      const known = this.keys.get(kid);
      if (known?.equals(key)) return;
      if (known) {
        throw new Error(
          `SECRETS_KEYS_PREVIOUS key ${i + 1} has the key id ${kid} of another configured key; generate a new key`,
        );
      }
      this.keys.set(kid, key);
    });
  }

  /** The cipher the configuration asks for: SECRETS_KEY writes, it and SECRETS_KEYS_PREVIOUS read. */
  static fromConfig(config: Pick<AppConfig, 'secretsKey' | 'secretsPreviousKeys'>): AesGcmSecretCipher {
    return new AesGcmSecretCipher(config.secretsKey, config.secretsPreviousKeys);
  }

  /** The id of the current key, as stored in new ciphertexts. */
  get keyId(): string {
    return this.currentKid;
  }

  encrypt(plaintext: string, workerId: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.current, iv, {
      authTagLength: TAG_BYTES,
    });
    cipher.setAAD(associatedData(workerId));
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [FORMAT, this.currentKid, iv, tag, data].map(part).join('.');
  }

  decrypt(ciphertext: string, workerId: string): string {
    const fail = (reason: string): never => {
      throw new SecretDecryptionError(workerId, reason);
    };
    if (ciphertext.startsWith(`${FORMAT}.`)) {
      const parts = ciphertext.split('.');
      if (parts.length !== 5 || !parts.slice(2).every((p) => BASE64URL.test(p))) {
        return fail(`it is not a well-formed ${FORMAT} ciphertext`);
      }
      const [, kid, iv, tag, data] = parts;
      const key = this.keys.get(kid);
      if (!key) {
        return fail(
          `it was written under key ${kid}, which is neither SECRETS_KEY (${this.currentKid}) nor in SECRETS_KEYS_PREVIOUS`,
        );
      }
      const plaintext = open(key, bytes(iv, 'base64url'), bytes(tag, 'base64url'), bytes(data, 'base64url'), {
        aad: associatedData(workerId),
        fail,
      });
      return plaintext ?? fail('it does not authenticate: it was written for another worker, or altered');
    }
    if (ciphertext.startsWith(`${LEGACY_FORMAT}:`)) {
      const parts = ciphertext.split(':');
      if (parts.length !== 4 || !parts.slice(1).every((p) => BASE64.test(p))) {
        return fail(`it is not a well-formed ${LEGACY_FORMAT} ciphertext`);
      }
      const [, iv, tag, data] = parts;
      for (const key of this.keys.values()) {
        const plaintext = open(key, bytes(iv, 'base64'), bytes(tag, 'base64'), bytes(data, 'base64'), {
          fail,
        });
        if (plaintext !== undefined) return plaintext;
      }
      return fail(
        `it is in the legacy ${LEGACY_FORMAT} format and opens under none of the configured keys (SECRETS_KEY, SECRETS_KEYS_PREVIOUS), or was altered`,
      );
    }
    return fail(`it is in no known format (expected ${FORMAT} or the legacy ${LEGACY_FORMAT})`);
  }

  isCurrent(ciphertext: string): boolean {
    return ciphertext.startsWith(`${FORMAT}.${this.currentKid}.`);
  }
}

function part(value: string | Buffer): string {
  return typeof value === 'string' ? value : value.toString('base64url');
}

function bytes(value: string, encoding: 'base64' | 'base64url'): Buffer {
  return Buffer.from(value, encoding);
}

/** The plain text, or undefined when the tag does not authenticate under `key`. */
function open(
  key: Buffer,
  iv: Buffer,
  tag: Buffer,
  data: Buffer,
  { aad, fail }: { aad?: Buffer; fail: (reason: string) => never },
): string | undefined {
  if (iv.length !== IV_BYTES) fail(`its IV is ${iv.length} bytes; ${IV_BYTES} are required`);
  // Checked here for a clear message; authTagLength makes Node refuse any other length as well.
  if (tag.length !== TAG_BYTES)
    fail(`its authentication tag is ${tag.length} bytes; ${TAG_BYTES} are required`);
  const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  decipher.setAuthTag(tag);
  if (aad) decipher.setAAD(aad);
  try {
    return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
