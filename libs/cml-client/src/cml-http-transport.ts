import * as http from 'node:http';
import * as https from 'node:https';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { resetBeforeAnswer } from './cml-http-agent.factory';

/** One request to a controller's REST API: a path below its `/api/v0`, a query, a JSON body. */
export interface CmlHttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Below the API base, e.g. `/labs/<id>`; already encoded. */
  path: string;
  query?: Record<string, string>;
  /** Sent as JSON. */
  json?: unknown;
  headers?: Record<string, string>;
  /** The most bytes of (decompressed) body accepted; a longer answer fails with `ERR_BAD_RESPONSE`. */
  maxBytes: number;
  /** The hard deadline of the whole exchange: connecting, sending and the last byte of the answer. */
  signal: AbortSignal;
}

/** An answer with any status: the client classifies statuses itself. */
export interface CmlHttpResponse {
  status: number;
  body: string;
}

/**
 * A request that got no complete answer: network, TLS, the deadline, an idle socket, an oversized or
 * undecodable body. `code` is Node's error code (`ECONNRESET`, `ABORT_ERR`, a TLS code...) or
 * `ETIMEDOUT` (idle) / `ERR_BAD_RESPONSE` (body). Nothing of the request is in it (no header, no body), so
 * no credential can leak through it.
 */
export class CmlTransportFailure extends Error {
  constructor(
    message: string,
    readonly code: string,
    /** The keep-alive race: a reused pooled socket was closed before any byte of the answer came. */
    readonly resetBeforeAnswerOnReusedSocket: boolean,
    /** Node's own error, when there is one (its message names an address or code, never a header). */
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'CmlTransportFailure';
  }
}

/** What the client asks for: gzip, deflate and br are decoded below; anything else is sent as is. */
const ACCEPT_ENCODING = 'gzip, deflate, br';

/**
 * The CML client's HTTP exchange, on Node's http(s) module and the client's keep-alive agent. It replaced
 * axios, which cost about 170 µs of CPU per request on top of Node's own ~150 µs (measured at 8,000 lab
 * reads, README "Performance"): a reconciliation of 100,000 labs is CPU-bound on the event loop, so that
 * was a third of its time. What axios did for us, it does too: JSON bodies, a query, a body size cap
 * counted while the answer streams, decompression, an idle timeout and a hard deadline.
 */
export class CmlHttpTransport {
  readonly #request: typeof http.request;
  readonly #hostname: string;
  readonly #port: string;
  readonly #basePath: string;

  /**
   * @param baseUrl `<endpoint>/api/v0` (see parseCmlEndpoint)
   * @param idleTimeoutMs a socket silent this long under a request fails it with `ETIMEDOUT`
   */
  constructor(
    baseUrl: string,
    private readonly agent: http.Agent,
    private readonly idleTimeoutMs: number,
  ) {
    const url = new URL(baseUrl);
    this.#request = url.protocol === 'http:' ? http.request : https.request;
    // Node wants an IPv6 literal without its brackets.
    this.#hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
    this.#port = url.port;
    this.#basePath = url.pathname.replace(/\/+$/, '');
  }

  send(spec: CmlHttpRequest): Promise<CmlHttpResponse> {
    return new Promise((resolve, reject) => {
      const payload = spec.json === undefined ? undefined : Buffer.from(JSON.stringify(spec.json), 'utf8');
      const headers: Record<string, string> = {
        Accept: 'application/json',
        'Accept-Encoding': ACCEPT_ENCODING,
        ...spec.headers,
      };
      if (payload) {
        headers['Content-Type'] = 'application/json';
        headers['Content-Length'] = String(payload.length);
      }
      const query = spec.query ? `?${new URLSearchParams(spec.query).toString()}` : '';
      if (spec.signal.aborted) {
        return reject(new CmlTransportFailure('the request deadline passed', 'ABORT_ERR', false));
      }
      const request = this.#request({
        hostname: this.#hostname,
        port: this.#port,
        path: `${this.#basePath}${spec.path}${query}`,
        method: spec.method,
        headers,
        agent: this.agent,
        timeout: this.idleTimeoutMs,
      });
      let settled = false;
      const onAbort = (): void => fail('ABORT_ERR', 'the request deadline passed');
      const settle = (): boolean => {
        if (settled) return false;
        settled = true;
        spec.signal.removeEventListener('abort', onAbort);
        return true;
      };
      const fail = (code: string, message: string, cause?: unknown): void => {
        if (!settle()) return;
        const race = resetBeforeAnswer(request, code);
        request.destroy();
        reject(new CmlTransportFailure(message, code, race, cause));
      };
      const failWith = (error: unknown): void => {
        const code = (error as { code?: unknown } | null)?.code;
        fail(
          typeof code === 'string' ? code : 'ERR_NETWORK',
          error instanceof Error ? error.message : 'network error',
          error,
        );
      };
      spec.signal.addEventListener('abort', onAbort, { once: true });
      request.on('timeout', () => fail('ETIMEDOUT', `no answer for ${this.idleTimeoutMs} ms`));
      request.on('error', failWith);
      request.on('response', (response) => {
        const declared = Number(response.headers['content-length']);
        if (Number.isFinite(declared) && declared > spec.maxBytes) {
          response.resume();
          return fail('ERR_BAD_RESPONSE', `the answer announces ${declared} bytes, over ${spec.maxBytes}`);
        }
        let body: Readable;
        try {
          body = decoded(response);
        } catch (error) {
          return failWith(error);
        }
        const chunks: Buffer[] = [];
        let bytes = 0;
        body.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (bytes > spec.maxBytes) {
            // Failed first: destroying the answer reports it as closed early.
            fail('ERR_BAD_RESPONSE', `the answer is over ${spec.maxBytes} bytes`);
            return void body.destroy();
          }
          chunks.push(chunk);
        });
        // Once the answer has begun, a connection closed under it leaves a truncated answer: a bad
        // response, never repeated (the server has acted on the request).
        const truncated = (): void => fail('ERR_BAD_RESPONSE', 'the connection closed during the answer');
        body.on('error', (error: NodeJS.ErrnoException) =>
          error.code?.startsWith('Z_')
            ? fail('ERR_BAD_RESPONSE', 'the answer could not be decompressed', error)
            : truncated(),
        );
        response.on('aborted', truncated);
        body.on('end', () => {
          if (!response.complete) return truncated();
          if (!settle()) return;
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks, bytes).toString('utf8') });
        });
      });
      request.end(payload);
    });
  }
}

/** The body as sent before any content coding; an unknown coding passes as is (and fails as JSON). */
function decoded(response: http.IncomingMessage): Readable {
  // No body by definition, whatever coding a proxy names (an empty gzip stream would not decode).
  if (response.statusCode === 204 || response.statusCode === 304) return response;
  const coding = String(response.headers['content-encoding'] ?? '')
    .trim()
    .toLowerCase();
  const decoder =
    coding === 'gzip' || coding === 'x-gzip'
      ? createGunzip()
      : coding === 'deflate'
        ? createInflate()
        : coding === 'br'
          ? createBrotliDecompress()
          : undefined;
  if (!decoder) return response;
  response.on('error', (error) => decoder.destroy(error));
  return response.pipe(decoder);
}
