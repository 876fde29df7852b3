import * as http from 'node:http';
import * as https from 'node:https';
import type { CmlConnectionSettings } from './cml-connection-settings.interface';

/** Upper bound of parallel connections to one controller; CML's API server is not built for more. */
export const CML_MAX_SOCKETS_PER_WORKER = 16;

/**
 * Builds the keep-alive agent a client uses for all its requests. TLS verification stays on unless
 * `verifyTls` is false; `caCertPem` adds a trusted CA (Node then trusts only that CA for this agent,
 * which is what a private-CA controller needs).
 */
export function createCmlHttpAgent(
  protocol: 'http:' | 'https:',
  settings: Pick<CmlConnectionSettings, 'verifyTls' | 'caCertPem'>,
): http.Agent | https.Agent {
  const common = { keepAlive: true, maxSockets: CML_MAX_SOCKETS_PER_WORKER, maxFreeSockets: 4 };
  if (protocol === 'http:') {
    return new http.Agent(common);
  }
  return new https.Agent({
    ...common,
    rejectUnauthorized: settings.verifyTls,
    ...(settings.caCertPem ? { ca: settings.caCertPem } : {}),
  });
}
