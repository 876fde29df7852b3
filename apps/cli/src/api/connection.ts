import { UsageError } from '../cli-errors';

/** Where the API is and how to authenticate to it, as the global options and the environment say. */
export interface Connection {
  /** The API's origin and base path, without a trailing slash, e.g. `http://localhost:8080`. */
  baseUrl: string;
  /** The bearer JWT, or null to send none (an API with AUTH_DISABLED=true). Never printed. */
  token: string | null;
  /** TLS certificates are not verified (self-signed test setups only; the CLI warns). */
  insecure: boolean;
  /** Per request, connect to last byte. */
  timeoutMs: number;
}

export interface ConnectionOptions {
  url?: string;
  token?: string;
  tokenFile?: string;
  insecure?: boolean;
  timeoutMs: number;
}

/** The API's own default (PORT=8080), on this machine. */
export const DEFAULT_API_URL = 'http://localhost:8080';

/**
 * Resolves the connection: `--url` over `CML_LABS_URL`; the token from `--token`, `--token-file`,
 * `CML_LABS_TOKEN` or `CML_LABS_TOKEN_FILE`, in that order (an option beats the environment; naming both
 * `--token` and `--token-file` is a usage error, since one of them would be silently ignored).
 */
export function resolveConnection(
  options: ConnectionOptions,
  env: Readonly<Record<string, string | undefined>>,
  readFile: (path: string) => string,
): Connection {
  if (options.token !== undefined && options.tokenFile !== undefined) {
    throw new UsageError('Give either --token or --token-file, not both');
  }
  return {
    baseUrl: parseBaseUrl(options.url ?? nonEmpty(env.CML_LABS_URL) ?? DEFAULT_API_URL),
    token: resolveToken(options, env, readFile),
    insecure: options.insecure === true,
    timeoutMs: options.timeoutMs,
  };
}

function resolveToken(
  options: ConnectionOptions,
  env: Readonly<Record<string, string | undefined>>,
  readFile: (path: string) => string,
): string | null {
  if (options.token !== undefined) return checkedToken(options.token, '--token');
  if (options.tokenFile !== undefined) return tokenFromFile(options.tokenFile, '--token-file', readFile);
  const fromEnv = nonEmpty(env.CML_LABS_TOKEN);
  if (fromEnv !== undefined) return checkedToken(fromEnv, 'CML_LABS_TOKEN');
  const file = nonEmpty(env.CML_LABS_TOKEN_FILE);
  if (file !== undefined) return tokenFromFile(file, 'CML_LABS_TOKEN_FILE', readFile);
  return null;
}

function tokenFromFile(path: string, source: string, readFile: (path: string) => string): string {
  let text: string;
  try {
    text = readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new UsageError(`Cannot read the token file of ${source} (${path}): ${code}`);
  }
  return checkedToken(text, `the token file of ${source} (${path})`);
}

/** A token is one line of header-safe characters; `Bearer ` in front (copied from a browser) is taken off. */
function checkedToken(raw: string, source: string): string {
  const token = raw.trim().replace(/^Bearer\s+/i, '');
  if (token === '') throw new UsageError(`The token from ${source} is empty`);
  // Never echo the token itself, not even in this message.
  if (!/^[\x21-\x7e]+$/.test(token))
    throw new UsageError(`The token from ${source} is not a single line of printable ASCII`);
  return token;
}

function parseBaseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--url / CML_LABS_URL is not a URL: ${text}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--url / CML_LABS_URL must be http:// or https://, not ${url.protocol}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new UsageError('--url / CML_LABS_URL must not carry credentials; the token goes in CML_LABS_TOKEN');
  }
  if (url.search !== '' || url.hash !== '') {
    throw new UsageError('--url / CML_LABS_URL must not have a query or fragment');
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
