import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SecretCipher } from '../../application/ports/secret-cipher';

const FORMAT = 'v1';

/**
 * AES-256-GCM with a random 96-bit IV per secret. The format tag leaves room to rotate keys or
 * algorithms later without guessing what a stored value is.
 */
export class AesGcmSecretCipher extends SecretCipher {
  constructor(private readonly key: Buffer) {
    super();
    if (key.length !== 32) throw new Error('SECRETS_KEY must be 32 bytes');
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [FORMAT, iv.toString('base64'), tag.toString('base64'), data.toString('base64')].join(':');
  }

  decrypt(ciphertext: string): string {
    const [format, iv, tag, data] = ciphertext.split(':');
    if (format !== FORMAT || !iv || !tag || data === undefined) {
      throw new Error('stored secret has an unknown format');
    }
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8');
  }
}
