import { createCipheriv, randomBytes } from 'node:crypto';

/**
 * What the service wrote before the v2 format, byte for byte: `v1:<iv>:<tag>:<ciphertext>`, base64,
 * no key id and no associated data. Tests use it to check the migration path.
 */
export function legacyV1Ciphertext(key: Buffer, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return ['v1', iv.toString('base64'), tag.toString('base64'), data.toString('base64')].join(':');
}
