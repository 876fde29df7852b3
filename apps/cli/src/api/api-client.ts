import axios, { AxiosInstance, isAxiosError } from 'axios';
import { Agent as HttpsAgent } from 'node:https';
import { ApiError, Problem, UnreachableError } from '../cli-errors';
import { Connection } from './connection';

export type QueryValue = string | number | boolean | undefined;

export interface RequestOptions {
  query?: Readonly<Record<string, QueryValue>>;
  body?: unknown;
}

/** Answers larger than this are refused rather than buffered (a lab list page is far below it). */
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * The cml-labs HTTP API, as the CLI uses it: JSON in and out, the bearer token on every request, an
 * error status as an {@link ApiError} with the problem+json, a network failure as an {@link UnreachableError}.
 * Error messages name the method and the path, never the token.
 */
export class ApiClient {
  private readonly http: AxiosInstance;

  constructor(private readonly connection: Connection) {
    this.http = axios.create({
      baseURL: connection.baseUrl,
      headers: {
        Accept: 'application/json, application/problem+json',
        ...(connection.token !== null ? { Authorization: `Bearer ${connection.token}` } : {}),
      },
      // Statuses, redirects and JSON are read here, not by axios: a redirect would carry the token elsewhere.
      validateStatus: () => true,
      maxRedirects: 0,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      maxContentLength: MAX_ANSWER_BYTES,
      proxy: false,
      ...(connection.insecure ? { httpsAgent: new HttpsAgent({ rejectUnauthorized: false }) } : {}),
    });
  }

  get<T>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('GET', path, options);
  }

  post<T>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('POST', path, options);
  }

  delete<T>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('DELETE', path, options);
  }

  async request<T>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    options: RequestOptions = {},
  ): Promise<T> {
    const where = `${method} ${path}`;
    let response;
    try {
      response = await this.http.request<string>({
        method,
        url: path,
        params: definedOnly(options.query),
        data: options.body,
        signal: AbortSignal.timeout(this.connection.timeoutMs),
      });
    } catch (error) {
      throw this.unreachable(error, where);
    }
    const body = parseJson(response.data);
    if (response.status >= 300 && response.status < 400) {
      throw new UnreachableError(
        `${where}: the API answered a redirect (${response.status}) to ${String(response.headers.location)}; ` +
          'give that URL as --url (the token is not sent to a redirect)',
      );
    }
    if (response.status >= 400) {
      throw new ApiError(
        response.status,
        problemOf(body, response.status),
        method,
        path,
        this.hintFor(response.status),
      );
    }
    if (response.status === 202 || response.status === 204) {
      if (response.data === '' || response.data === undefined) return undefined as T;
    }
    if (body === undefined) {
      throw new UnreachableError(
        `${where} answered ${response.status} without JSON: is ${this.connection.baseUrl} the cml-labs API?`,
      );
    }
    return body as T;
  }

  private hintFor(status: number): string | undefined {
    if (status !== 401) return undefined;
    return this.connection.token === null
      ? 'No token was given: set CML_LABS_TOKEN or CML_LABS_TOKEN_FILE, or pass --token-file'
      : 'The token was refused: it may have expired, or be for another issuer or audience';
  }

  private unreachable(error: unknown, where: string): UnreachableError {
    const base = this.connection.baseUrl;
    const code = isAxiosError(error)
      ? (error.code ?? (error.cause as NodeJS.ErrnoException)?.code)
      : undefined;
    if (isAxiosError(error) && (code === 'ERR_CANCELED' || error.name === 'CanceledError')) {
      return new UnreachableError(
        `${where}: no answer from ${base} within ${this.connection.timeoutMs} ms (--timeout)`,
      );
    }
    if (code && TLS_CODES.has(code)) {
      return new UnreachableError(
        `${where}: the TLS certificate of ${base} is not trusted (${code}). ` +
          'Add its CA with NODE_EXTRA_CA_CERTS=<file>, or pass --insecure for a test setup',
      );
    }
    if (code === 'ERR_FR_MAX_CONTENT_LENGTH_EXCEEDED' || code === 'ERR_BAD_RESPONSE') {
      return new UnreachableError(`${where}: the answer of ${base} is larger than ${MAX_ANSWER_BYTES} bytes`);
    }
    return new UnreachableError(`${where}: cannot reach the API at ${base} (${code ?? 'network error'})`);
  }
}

function definedOnly(query: RequestOptions['query']): Record<string, string> | undefined {
  if (!query) return undefined;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) if (value !== undefined) out[key] = String(value);
  return out;
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined || text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The problem+json of an error answer; a proxy's HTML page or an empty body still gives its status. */
function problemOf(body: unknown, status: number): Problem {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return { status };
  const b = body as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    type: text(b.type),
    title: text(b.title),
    status,
    detail: text(b.detail),
    step: text(b.step),
    cmlChanges: Array.isArray(b.cmlChanges)
      ? b.cmlChanges.filter((c): c is string => typeof c === 'string')
      : undefined,
    errors: Array.isArray(b.errors)
      ? b.errors
          .filter((e): e is Record<string, unknown> => e !== null && typeof e === 'object')
          .map((e) => ({ field: String(e.field ?? ''), message: String(e.message ?? '') }))
      : undefined,
  };
}
