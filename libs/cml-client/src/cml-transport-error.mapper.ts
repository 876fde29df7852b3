import { CML_BLOCKED_ADDRESS_CODE } from './cml-blocked-address.error';
import type { CmlRequestContext } from './cml-request-context.interface';
import { CmlBadResponseError } from './errors/cml-bad-response.error';
import type { CmlError } from './errors/cml.error';
import { CmlTimeoutError } from './errors/cml-timeout.error';
import { CmlUnavailableError, type CmlUnavailableReason } from './errors/cml-unavailable.error';

const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ABORT_ERR']);

const REASONS: ReadonlyArray<[CmlUnavailableReason, string, (code: string) => boolean]> = [
  ['connection_refused', 'connection refused', (code) => code === 'ECONNREFUSED'],
  [
    'connection_reset',
    'connection reset',
    (code) => ['ECONNRESET', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE'].includes(code),
  ],
  [
    'dns_failure',
    'DNS lookup failed',
    (code) => ['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME'].includes(code),
  ],
  [
    'host_unreachable',
    'host unreachable',
    (code) => ['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN'].includes(code),
  ],
  // OpenSSL reports certificate problems under many names; they share these fragments.
  ['tls_failure', 'TLS handshake failed', (code) => /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_|EPROTO/.test(code)],
];

/**
 * Maps a failure without an HTTP status (network, TLS, timeout, abort; a CmlTransportFailure) to a
 * {@link CmlError}. The original error is deliberately not attached as `cause`: what callers see of a
 * transport failure is this message, built from codes, so no library can ever put a request's header or
 * body (the token, the login's password) into it.
 */
export function mapCmlTransportError(ctx: CmlRequestContext, error: unknown, timeoutMs: number): CmlError {
  const details = { workerId: ctx.workerId, route: ctx.route };
  const worker = `CML worker "${ctx.workerId}"`;
  const code = errorCode(error);

  if (TIMEOUT_CODES.has(code)) {
    return new CmlTimeoutError(`${worker} did not answer ${ctx.route} within ${timeoutMs} ms`, details);
  }
  if (code === 'ERR_BAD_RESPONSE') {
    // The transport's code for bodies over the route's cap and undecodable (decompression) answers.
    return new CmlBadResponseError(
      `${worker} sent an unreadable or oversized answer to ${ctx.route}`,
      details,
    );
  }
  if (code === CML_BLOCKED_ADDRESS_CODE) {
    // Our own refusal: its message names the host and address and is safe to show; it is what
    // tells an operator to fix the endpoint or CML_ALLOW_PRIVATE_ENDPOINTS.
    return new CmlUnavailableError(`${worker} is unavailable: ${blockedMessage(error)} (${ctx.route})`, {
      ...details,
      reason: 'blocked_address',
    });
  }
  const match = REASONS.find(([, , test]) => test(code));
  const [reason, label] = match ?? ['network_error', 'network error'];
  const shown = code ? ` (${code})` : '';
  return new CmlUnavailableError(`${worker} is unavailable: ${label} on ${ctx.route}${shown}`, {
    ...details,
    reason,
  });
}

function errorCode(error: unknown): string {
  return codeOf(error) ?? '';
}

/** The transport keeps the refusal's own message (it names the host and the address). */
function blockedMessage(error: unknown): string {
  return error instanceof Error ? error.message : 'endpoint address is blocked';
}

function codeOf(value: unknown): string | undefined {
  const code = (value as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}
