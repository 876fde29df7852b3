/**
 * Replaces every occurrence of the given secrets in text coming from the server. CML does not echo
 * credentials in error descriptions, but a proxy or a future release might, and descriptions are
 * shown to users.
 */
export function scrubSecrets(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let result = text;
  for (const secret of secrets) {
    // Very short "secrets" would shred ordinary words; they are not worth hiding anyway.
    if (secret && secret.length >= 4) {
      result = result.split(secret).join('[redacted]');
    }
  }
  return result;
}
