import { randomBytes } from 'node:crypto';
import { SecretDecryptionError } from '../../application/ports/secret-cipher';
import { AesGcmSecretCipher, secretKeyId } from './aes-gcm-secret-cipher';
import { legacyV1Ciphertext } from './testing/legacy-v1-ciphertext';

const W1 = '6f1c1b8e-2a44-4a4e-8d0b-3b9f4f1d2c01';
const W2 = '9d0e7c55-1111-4a4e-8d0b-3b9f4f1d2c02';

function decryptionError(run: () => unknown): SecretDecryptionError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SecretDecryptionError);
    return error as SecretDecryptionError;
  }
  throw new Error('decrypted, but should not have');
}

/** Replaces part `index` of a v2 ciphertext. */
function withPart(sealed: string, index: number, edit: (bytes: Buffer) => Buffer): string {
  const parts = sealed.split('.');
  parts[index] = edit(Buffer.from(parts[index], 'base64url')).toString('base64url');
  return parts.join('.');
}

describe('AesGcmSecretCipher', () => {
  const keyA = randomBytes(32);
  const keyB = randomBytes(32);
  const cipher = new AesGcmSecretCipher(keyA);

  it('round-trips and never stores the plain text', () => {
    const sealed = cipher.encrypt('cml-p@ssw0rd', W1);
    expect(sealed).not.toContain('cml-p@ssw0rd');
    expect(cipher.decrypt(sealed, W1)).toBe('cml-p@ssw0rd');
  });

  it('writes v2.<kid>.<iv>.<tag>.<ciphertext>: base64url, a 12-byte IV, a 16-byte tag, kid from the key', () => {
    const sealed = cipher.encrypt('secret', W1);
    const [format, kid, iv, tag, data, ...rest] = sealed.split('.');
    expect(format).toBe('v2');
    expect(kid).toBe(secretKeyId(keyA));
    expect(kid).toMatch(/^[0-9a-f]{8}$/);
    expect(cipher.keyId).toBe(kid);
    for (const p of [iv, tag, data]) expect(p).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(iv, 'base64url')).toHaveLength(12);
    expect(Buffer.from(tag, 'base64url')).toHaveLength(16);
    expect(rest).toEqual([]);
  });

  it('uses a fresh IV each time', () => {
    expect(cipher.encrypt('same', W1)).not.toBe(cipher.encrypt('same', W1));
  });

  it("binds the ciphertext to its worker: another worker's ciphertext is refused, clearly", () => {
    const sealed = cipher.encrypt('password-of-w1', W1);
    const error = decryptionError(() => cipher.decrypt(sealed, W2));
    expect(error.workerId).toBe(W2);
    expect(error.message).toContain(`worker ${W2} cannot be decrypted`);
    expect(error.message).toContain('written for another worker');
    expect(error.message).not.toContain('password-of-w1');
  });

  it('refuses a truncated or lengthened tag (Node accepts short GCM tags unless told)', () => {
    const sealed = cipher.encrypt('secret', W1);
    for (const length of [4, 8, 12, 15]) {
      const truncated = withPart(sealed, 3, (tag) => tag.subarray(0, length));
      expect(decryptionError(() => cipher.decrypt(truncated, W1)).reason).toBe(
        `its authentication tag is ${length} bytes; 16 are required`,
      );
    }
    const longer = withPart(sealed, 3, (tag) => Buffer.concat([tag, Buffer.alloc(1)]));
    expect(() => cipher.decrypt(longer, W1)).toThrow(SecretDecryptionError);
  });

  it('refuses a truncated tag in the legacy format as well', () => {
    const [format, iv, tag, data] = legacyV1Ciphertext(keyA, 'secret').split(':');
    const short = Buffer.from(tag, 'base64').subarray(0, 4).toString('base64');
    expect(decryptionError(() => cipher.decrypt([format, iv, short, data].join(':'), W1)).reason).toMatch(
      /tag is 4 bytes/,
    );
  });

  it('rejects tampered ciphertext, IV or key id', () => {
    const sealed = cipher.encrypt('secret', W1);
    const flip = (b: Buffer) => {
      const copy = Buffer.from(b);
      copy[0] ^= 1;
      return copy;
    };
    expect(() => cipher.decrypt(withPart(sealed, 4, flip), W1)).toThrow(/does not authenticate/);
    expect(() => cipher.decrypt(withPart(sealed, 2, flip), W1)).toThrow(/does not authenticate/);
    expect(() =>
      cipher.decrypt(
        withPart(sealed, 2, (iv) => iv.subarray(0, 8)),
        W1,
      ),
    ).toThrow(/IV is 8 bytes/);
    const otherKid = sealed.replace(`.${cipher.keyId}.`, '.00000000.');
    expect(() => cipher.decrypt(otherKid, W1)).toThrow(/written under key 00000000/);
    expect(() => cipher.decrypt(`${sealed}.extra`, W1)).toThrow(/not a well-formed v2/);
    expect(() => cipher.decrypt(sealed.replace(/\.[^.]+$/, '.not base64!'), W1)).toThrow(/well-formed/);
    expect(() => cipher.decrypt('plain text', W1)).toThrow(/no known format/);
  });

  it('names the key ids, never the keys, when the key is not configured', () => {
    const sealed = new AesGcmSecretCipher(keyB).encrypt('secret', W1);
    const error = decryptionError(() => cipher.decrypt(sealed, W1));
    expect(error.reason).toBe(
      `it was written under key ${secretKeyId(keyB)}, which is neither SECRETS_KEY (${secretKeyId(keyA)}) nor in SECRETS_KEYS_PREVIOUS`,
    );
    for (const key of [keyA, keyB]) {
      expect(error.message).not.toContain(key.toString('base64'));
      expect(error.message).not.toContain(key.toString('base64url'));
    }
  });

  describe('key rotation', () => {
    const underA = new AesGcmSecretCipher(keyA).encrypt('written-under-a', W1);
    const rotated = new AesGcmSecretCipher(keyB, [keyA]);

    it('writes under the current key and still reads a previous one', () => {
      expect(rotated.decrypt(underA, W1)).toBe('written-under-a');
      const fresh = rotated.encrypt('new', W1);
      expect(fresh.split('.')[1]).toBe(secretKeyId(keyB));
      expect(rotated.isCurrent(fresh)).toBe(true);
      expect(rotated.isCurrent(underA)).toBe(false);
    });

    it('no longer reads a key once it is removed', () => {
      expect(() => new AesGcmSecretCipher(keyB).decrypt(underA, W1)).toThrow(SecretDecryptionError);
    });

    it('ignores a copy of the current key among the previous ones', () => {
      expect(new AesGcmSecretCipher(keyA, [keyA]).decrypt(underA, W1)).toBe('written-under-a');
    });
  });

  describe('legacy v1 ciphertexts (before key ids and associated data)', () => {
    const legacy = legacyV1Ciphertext(keyA, 'old-password');

    it('still decrypt with the key they were written with, current or previous', () => {
      expect(new AesGcmSecretCipher(keyA).decrypt(legacy, W1)).toBe('old-password');
      expect(new AesGcmSecretCipher(keyB, [keyA]).decrypt(legacy, W1)).toBe('old-password');
    });

    it('are never current, so the re-encrypt command rewrites them', () => {
      expect(new AesGcmSecretCipher(keyA).isCurrent(legacy)).toBe(false);
    });

    it('fail clearly under any other key', () => {
      expect(() => new AesGcmSecretCipher(keyB).decrypt(legacy, W1)).toThrow(
        /legacy v1 format and opens under none of the configured keys/,
      );
    });
  });

  it('refuses keys that are not 32 bytes', () => {
    expect(() => new AesGcmSecretCipher(randomBytes(16))).toThrow(/SECRETS_KEY must be 32 bytes/);
    expect(() => new AesGcmSecretCipher(keyA, [keyB, randomBytes(31)])).toThrow(
      /SECRETS_KEYS_PREVIOUS key 2 must be 32 bytes/,
    );
  });
});
