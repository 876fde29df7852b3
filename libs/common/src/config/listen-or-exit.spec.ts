import { createServer, Server } from 'node:net';
import {
  exitIfPortsInUse,
  isPortInUse,
  listenOrExit,
  PORT_IN_USE_EXIT_CODE,
  portInUseMessage,
} from './listen-or-exit';

describe('a port in use', () => {
  let server: Server;
  let port: number;
  beforeEach(async () => {
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterEach(() => new Promise((resolve) => server.close(resolve)));

  const exit = () => jest.spyOn(process, 'exit').mockImplementation((() => undefined) as () => never);
  afterEach(() => jest.restoreAllMocks());

  it('is one line naming the port and the variable to change', () => {
    const line = portInUseMessage({ port: 8080, variable: 'PORT', host: '127.0.0.1' });
    expect(line).toBe(
      'Port 8080 on 127.0.0.1 is already in use: set PORT to a free port, or stop what listens there.',
    );
    expect(line).not.toContain('\n');
  });

  it('is seen before anything starts, and ends the process with exit code 2', async () => {
    expect(await isPortInUse({ port, variable: 'PORT', host: '127.0.0.1' })).toBe(true);
    expect(await isPortInUse({ port: 0, variable: 'PORT' })).toBe(false);
    const exited = exit();
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    await exitIfPortsInUse([{ port, variable: 'AUDIT_PORT', host: '127.0.0.1' }]);
    expect(exited).toHaveBeenCalledWith(PORT_IN_USE_EXIT_CODE);
    expect(error).toHaveBeenCalledTimes(1);
    expect(String(error.mock.calls[0][0])).toContain(
      `Port ${port} on 127.0.0.1 is already in use: set AUDIT_PORT`,
    );
  });

  it('taken between the check and the listen: cleans up, then the same line and exit code', async () => {
    const exited = exit();
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const cleanup = jest.fn(() => Promise.resolve());
    const taken = Object.assign(new Error(`listen EADDRINUSE: address already in use 127.0.0.1:${port}`), {
      code: 'EADDRINUSE',
    });
    await listenOrExit({ port, variable: 'SIM_PORT' }, () => Promise.reject(taken), cleanup);
    expect(cleanup).toHaveBeenCalled();
    expect(exited).toHaveBeenCalledWith(PORT_IN_USE_EXIT_CODE);
    expect(String(error.mock.calls[0][0])).toMatch(/set SIM_PORT/);
    await expect(
      listenOrExit({ port, variable: 'PORT' }, () => Promise.reject(new Error('other'))),
    ).rejects.toThrow('other');
  });
});
