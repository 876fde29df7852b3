import * as http from 'node:http';
import * as https from 'node:https';
import { isIP, Socket } from 'node:net';
import type { CmlAddressPolicy } from './cml-address-policy';
import { CmlBlockedAddressError } from './cml-blocked-address.error';
import type { CmlConnectionSettings } from './cml-connection-settings.interface';
import { createGuardedLookup } from './cml-guarded-lookup';

/** Upper bound of parallel connections to one controller; CML's API server is not built for more. */
export const CML_MAX_SOCKETS_PER_WORKER = 16;

/**
 * Builds the keep-alive agent a client uses for all its requests. TLS verification stays on unless
 * `verifyTls` is false; `caCertPem` adds a trusted CA (Node then trusts only that CA for this agent,
 * which is what a private-CA controller needs).
 *
 * With an `addressPolicy`, the agent refuses to open a connection to a blocked address, whether the
 * endpoint names it literally or a host name resolves to it at connect time (DNS rebinding). The
 * refusal surfaces as a socket error with code `ECMLBLOCKEDADDRESS`, before any byte is sent.
 */
export function createCmlHttpAgent(
  protocol: 'http:' | 'https:',
  settings: Pick<CmlConnectionSettings, 'verifyTls' | 'caCertPem'>,
  addressPolicy?: CmlAddressPolicy,
): http.Agent | https.Agent {
  const common = {
    keepAlive: true,
    maxSockets: CML_MAX_SOCKETS_PER_WORKER,
    maxFreeSockets: 4,
    ...(addressPolicy ? { lookup: createGuardedLookup(addressPolicy) } : {}),
  };
  const agent =
    protocol === 'http:'
      ? new http.Agent(common)
      : new https.Agent({
          ...common,
          rejectUnauthorized: settings.verifyTls,
          ...(settings.caCertPem ? { ca: settings.caCertPem } : {}),
        });
  if (addressPolicy) {
    guardLiteralAddresses(agent, addressPolicy);
  }
  return agent;
}

/**
 * `net` never calls `lookup` for an IP literal, so the guarded lookup alone would let
 * `https://127.0.0.1` through; this checks literals where the agent opens its sockets.
 */
function guardLiteralAddresses(agent: http.Agent, policy: CmlAddressPolicy): void {
  const open = agent.createConnection.bind(agent);
  agent.createConnection = (options, callback) => {
    const host = String(options.host ?? options.hostname ?? '').replace(/^\[(.*)\]$/, '$1');
    const verdict = isIP(host) ? policy.check(host) : { allowed: true as const };
    if (verdict.allowed) {
      return open(options, callback);
    }
    // A socket that fails before connecting: the request gets the error through the normal
    // socket 'error' path, whoever drives the agent (http, or an interceptor in tests).
    const refused = new Socket();
    process.nextTick(() => refused.destroy(new CmlBlockedAddressError(host, host, verdict.reason)));
    return refused;
  };
}
