import { SecretCipher, SecretDecryptionError } from '../application/ports/secret-cipher';

const PREFIX = 'fake:v1';

/**
 * A SecretCipher for specs, keeping the port's contract without keys: a ciphertext opens only for
 * the worker it was sealed for, anything else (another worker, another format, an altered text)
 * is a SecretDecryptionError. Not secret at all: the plain text is only base64-encoded.
 */
export class FakeSecretCipher extends SecretCipher {
  encrypt(plaintext: string, workerId: string): string {
    return `${PREFIX}:${workerId}:${Buffer.from(plaintext, 'utf8').toString('base64')}`;
  }

  decrypt(ciphertext: string, workerId: string): string {
    const [prefix, version, owner, payload, ...rest] = ciphertext.split(':');
    if (`${prefix}:${version}` !== PREFIX || payload === undefined || rest.length > 0) {
      throw new SecretDecryptionError(workerId, 'not in a known format');
    }
    if (owner !== workerId) throw new SecretDecryptionError(workerId, 'written for another worker');
    return Buffer.from(payload, 'base64').toString('utf8');
  }

  isCurrent(ciphertext: string): boolean {
    return ciphertext.startsWith(`${PREFIX}:`);
  }
}
