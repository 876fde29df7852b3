/** Encrypts secrets (CML passwords) at rest. The plain text never reaches the database or a log. */
export abstract class SecretCipher {
  abstract encrypt(plaintext: string): string;
  abstract decrypt(ciphertext: string): string;
}
