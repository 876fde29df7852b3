import type { CmlConnectionSettings } from '../cml-connection-settings.interface';

/**
 * Connection settings that cannot work (bad endpoint URL, non-positive timeout). Thrown when a
 * client is built, before any request, so it is not a {@link CmlError} (there is no route).
 * The message names the field only, never its value, so a password typed into the wrong field
 * does not leak.
 */
export class CmlInvalidSettingsError extends Error {
  constructor(
    readonly workerId: string,
    readonly field: keyof CmlConnectionSettings,
    problem: string,
  ) {
    super(`Invalid CML connection settings for worker "${workerId}": ${field} ${problem}`);
    this.name = 'CmlInvalidSettingsError';
  }
}
