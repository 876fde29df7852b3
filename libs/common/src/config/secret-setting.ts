import { readFileSync } from 'node:fs';

export interface SecretSetting {
  /** The secret, trimmed; undefined when neither variable is set (or there is a problem). */
  value?: string;
  /** What is wrong, naming the variable but never echoing the secret. */
  problem?: string;
}

/**
 * A secret given either as `NAME` or as `NAME_FILE` (a path read once, at start: how Kubernetes and Knative
 * mount Secrets, so that the value is neither in the pod spec nor in `env` output). Surrounding whitespace,
 * including the trailing newline most files end with, is not part of the secret. Setting both is a mistake:
 * which one wins would be a guess.
 */
export function readSecretSetting(
  env: NodeJS.ProcessEnv,
  name: string,
  options: { minLength?: number } = {},
): SecretSetting {
  const direct = env[name]?.trim() || undefined;
  const path = env[`${name}_FILE`]?.trim() || undefined;
  if (direct && path) return { problem: `${name} and ${name}_FILE are both set: set one` };
  let value = direct;
  if (path) {
    try {
      value = readFileSync(path, 'utf8').trim();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      return { problem: `${name}_FILE cannot be read: ${path} (${code})` };
    }
    if (value === '') return { problem: `${name}_FILE is empty: ${path}` };
  }
  if (value !== undefined && options.minLength !== undefined && value.length < options.minLength) {
    return {
      problem: `${name} must be at least ${options.minLength} characters (e.g. openssl rand -base64 32)`,
    };
  }
  return { value };
}

/**
 * Makes an object of secrets print as `[redacted]` per field when it is serialised (pino, JSON.stringify) or
 * inspected (console.log, util.inspect), so that logging a whole configuration cannot leak them. The values
 * themselves stay readable as properties.
 */
export function hiddenFromLogs<T extends object>(secrets: T): T {
  const masked = () =>
    Object.fromEntries(
      Object.entries(secrets).map(([k, v]) => [k, v === undefined ? undefined : '[redacted]']),
    );
  Object.defineProperty(secrets, 'toJSON', { value: masked, enumerable: false });
  Object.defineProperty(secrets, Symbol.for('nodejs.util.inspect.custom'), {
    value: masked,
    enumerable: false,
  });
  return secrets;
}
