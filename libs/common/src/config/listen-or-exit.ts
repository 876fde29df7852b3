import { createServer } from 'node:net';

/** Exit code of a process that could not take its port (as for a wrong configuration: change a variable). */
export const PORT_IN_USE_EXIT_CODE = 2;

/** A port to take, the variable that sets it, and where (all interfaces when no host). */
export interface PortSetting {
  port: number;
  variable: string;
  host?: string;
}

/** The one line an operator needs: which port, and which variable to change. */
export function portInUseMessage({ port, variable, host }: PortSetting): string {
  return `Port ${port}${host ? ` on ${host}` : ''} is already in use: set ${variable} to a free port, or stop what listens there.`;
}

export function isAddressInUse(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && (error as NodeJS.ErrnoException).code === 'EADDRINUSE'
  );
}

/** Ends the process with that line on stderr and PORT_IN_USE_EXIT_CODE: no stack trace, nothing else to read. */
export function exitPortInUse(setting: PortSetting): never {
  console.error(portInUseMessage(setting));
  process.exit(PORT_IN_USE_EXIT_CODE);
}

/** Whether something already listens on the port (binds it for an instant and lets go). Port 0 is always free. */
export async function isPortInUse({ port, host }: PortSetting): Promise<boolean> {
  if (!Number.isInteger(port) || port <= 0 || port > 65535) return false;
  const probe = createServer();
  return new Promise<boolean>((resolve, reject) => {
    probe.once('error', (error) => (isAddressInUse(error) ? resolve(true) : reject(error)));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(false)));
  });
}

/**
 * Checks the ports before anything starts, so that a port in use ends the process at once with one line naming
 * its variable instead of after minutes of start-up, or with a stack trace. Other errors of the probe (e.g. a
 * host that is not this machine's) are left to the real listen to report.
 */
export async function exitIfPortsInUse(settings: PortSetting[]): Promise<void> {
  for (const setting of settings) {
    if (await isPortInUse(setting).catch(() => false)) exitPortInUse(setting);
  }
}

/**
 * Runs `listen` (the port may have been taken since the check); EADDRINUSE ends the process with the one line,
 * after `cleanup` (e.g. stopping what was already started), any other error is rethrown.
 */
export async function listenOrExit<T>(
  setting: PortSetting,
  listen: () => Promise<T>,
  cleanup?: () => Promise<void>,
): Promise<T> {
  try {
    return await listen();
  } catch (error) {
    if (!isAddressInUse(error)) throw error;
    await cleanup?.().catch(() => undefined);
    exitPortInUse(setting);
  }
}
