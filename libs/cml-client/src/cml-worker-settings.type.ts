import type { CmlConnectionSettings } from './cml-connection-settings.interface';

/** Settings accepted by `CmlClientFactory.forWorker`: the timeout falls back to the module default. */
export type CmlWorkerSettings = Omit<CmlConnectionSettings, 'timeoutMs'> & { timeoutMs?: number };
