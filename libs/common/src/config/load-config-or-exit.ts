import { ConfigValidationError } from './app-config';

/** Loads a configuration; a wrong one ends the process with its message and exit code 2. */
export function loadConfigOrExit<T>(load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
}
