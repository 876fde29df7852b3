/** A failed send; its message names the provider and the failure, never a URL, token or password. */
export class NotificationSendError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'NotificationSendError';
  }
}

/** Removes every secret from a message (an upstream error may echo what it was given). */
export function withoutSecrets(message: string, secrets: readonly (string | undefined)[]): string {
  let out = message;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  return out;
}
