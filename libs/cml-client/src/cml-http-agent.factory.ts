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
 * How long a pooled keep-alive socket may sit idle before we close it. The server closes idle
 * sockets on its own timer, and a request sent on one just as it does fails with ECONNRESET
 * ("socket hang up"), so we must give up first: Node's http server and Apache close after 5 s,
 * nginx after 75 s. One second under the shortest of them covers the time by which the server's
 * timer runs ahead of ours (it starts when the answer leaves the server, ours when it has
 * arrived); Node keeps the same second of margin when a server announces `Keep-Alive: timeout=N`,
 * and uses that hint instead when it is lower. nginx announces nothing by default.
 */
export const CML_IDLE_SOCKET_TIMEOUT_MS = 4000;

/** Codes of a connection the server closed under a request (a "socket hang up" is ECONNRESET). */
const RESET_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'EPIPE']);

/** Bytes the socket has received since it last went back to the pool (see `countAnswerBytes`). */
const answerBytes = Symbol('cmlAnswerBytes');

interface CountedSocket {
  [answerBytes]?: number;
}

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
    // Node applies the agent's timeout to a socket while it is pooled (it then destroys it); a
    // request in flight runs under the transport's idle timeout instead, which replaces it on the socket.
    timeout: CML_IDLE_SOCKET_TIMEOUT_MS,
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
  countAnswerBytes(agent);
  return agent;
}

/**
 * True for the keep-alive race: the request went out on a socket reused from the pool, and the
 * connection was closed under it (`code` ECONNRESET, "socket hang up", or EPIPE) before a single byte
 * of an answer arrived. Most likely the server closed the idle connection as the request reached it.
 * It may still have acted on the request, so only a request that is safe to repeat may be retried.
 *
 * `reusedSocket` is Node's own flag for this case (see `request.reusedSocket` in the http docs).
 * Node's "socket hang up" only says that no complete response head had been parsed; whether any
 * byte came back is counted on the socket by this module's agent.
 */
export function resetBeforeAnswer(request: http.ClientRequest, code: string): boolean {
  if (!RESET_CODES.has(code) || !request.reusedSocket) {
    return false;
  }
  const socket = request.socket as (Socket & CountedSocket) | null;
  return socket?.[answerBytes] === 0;
}

/**
 * Closes the sockets waiting in the pool. After the race they are suspect: they have idled about
 * as long as the one the server just closed. With none left, the next request opens a connection.
 */
export function dropIdleSockets(agent: http.Agent): void {
  for (const sockets of Object.values(agent.freeSockets)) {
    for (const socket of sockets ?? []) {
      socket.destroy();
    }
  }
}

/**
 * Counts what each socket receives (decrypted bytes, for TLS), from zero whenever it goes back to
 * the pool after an answer, so that a request on a reused socket can tell whether any byte of its
 * own answer arrived. Node's ClientRequest does not say.
 */
function countAnswerBytes(agent: http.Agent): void {
  const open = agent.createConnection.bind(agent);
  agent.createConnection = (options, callback) => {
    const socket = open(options, callback) as (Socket & CountedSocket) | undefined;
    if (socket) {
      socket[answerBytes] = 0;
      socket.on('data', (chunk: Buffer) => {
        socket[answerBytes] = (socket[answerBytes] ?? 0) + chunk.length;
      });
    }
    return socket;
  };
  agent.prependListener('free', (socket: Socket & CountedSocket) => {
    socket[answerBytes] = 0;
  });
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
