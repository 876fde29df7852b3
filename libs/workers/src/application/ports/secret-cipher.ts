import { ApplicationError } from '@app/common';

/**
 * Encrypts secrets (CML passwords) at rest. The plain text never reaches the database or a log.
 * Every secret belongs to one worker: a ciphertext opens only for the worker it was written for,
 * so a ciphertext copied onto another worker's document is refused instead of sending one
 * controller's password to another.
 */
export abstract class SecretCipher {
  /** Seals `plaintext` for the worker `workerId`, under the current key. */
  abstract encrypt(plaintext: string, workerId: string): string;

  /**
   * Opens a ciphertext written for `workerId` under the current or a previous key.
   * @throws SecretDecryptionError when it was written for another worker, under a key that is not
   *   configured, was altered, or is not in a known format.
   */
  abstract decrypt(ciphertext: string, workerId: string): string;

  /**
   * True when `ciphertext` is in the current format under the current key, so re-encrypting it
   * would change nothing. Says nothing about whether it opens: `decrypt` checks that.
   */
  abstract isCurrent(ciphertext: string): boolean;
}

/**
 * A stored secret that cannot be opened. A server-side fault (wrong keys configured, or a
 * document edited behind the service's back), never a reason to try another secret.
 */
export class SecretDecryptionError extends ApplicationError {
  readonly status = 500;
  readonly title = 'Internal Server Error';

  constructor(
    readonly workerId: string,
    readonly reason: string,
  ) {
    super(`The stored CML password of worker ${workerId} cannot be decrypted: ${reason}`, { workerId });
  }
}
