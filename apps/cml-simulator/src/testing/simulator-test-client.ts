import { Agent } from 'node:https';
import axios, { AxiosInstance } from 'axios';
import { RunningCmlSimulator } from '../start-cml-simulator';

/** An HTTPS client for one simulator that trusts only its certificate, with full verification on. */
export interface SimulatorTestClient {
  http: AxiosInstance;
  /** Logs in and returns the bearer token. */
  login(username?: string, password?: string): Promise<string>;
  /** Headers for an authenticated call. */
  bearer(token: string): { headers: { Authorization: string } };
  /** Frees the agent's sockets so jest exits without open handles. */
  close(): void;
}

export function createSimulatorTestClient(simulator: RunningCmlSimulator): SimulatorTestClient {
  // No keep-alive: every test request gets its own socket, so nothing lingers after the suite.
  const agent = new Agent({ ca: simulator.caCertPem, rejectUnauthorized: true, keepAlive: false });
  const http = axios.create({
    baseURL: simulator.url,
    httpsAgent: agent,
    // Tests assert on statuses themselves; a proxy from the environment must not intercept loopback calls.
    validateStatus: () => true,
    proxy: false,
  });
  return {
    http,
    async login(username = 'admin', password = 'admin-password') {
      const res = await http.post<string>('/api/v0/authenticate', { username, password });
      if (res.status !== 200) {
        throw new Error(`login as ${username} failed: ${res.status} ${JSON.stringify(res.data)}`);
      }
      return res.data;
    },
    bearer(token: string) {
      return { headers: { Authorization: `Bearer ${token}` } };
    },
    close() {
      agent.destroy();
    },
  };
}
