import { randomBytes } from 'node:crypto';
import { AesGcmSecretCipher } from './aes-gcm-secret-cipher';

describe('AesGcmSecretCipher', () => {
  const cipher = new AesGcmSecretCipher(randomBytes(32));

  it('round-trips and never stores the plain text', () => {
    const sealed = cipher.encrypt('cml-p@ssw0rd');
    expect(sealed).not.toContain('cml-p@ssw0rd');
    expect(cipher.decrypt(sealed)).toBe('cml-p@ssw0rd');
  });

  it('uses a fresh IV each time', () => {
    expect(cipher.encrypt('same')).not.toBe(cipher.encrypt('same'));
  });

  it('rejects tampered ciphertext and another key', () => {
    const sealed = cipher.encrypt('secret');
    const parts = sealed.split(':');
    const data = Buffer.from(parts[3], 'base64');
    data[0] ^= 1;
    parts[3] = data.toString('base64');
    expect(() => cipher.decrypt(parts.join(':'))).toThrow();
    expect(() => new AesGcmSecretCipher(randomBytes(32)).decrypt(sealed)).toThrow();
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => new AesGcmSecretCipher(randomBytes(16))).toThrow(/32 bytes/);
  });
});
