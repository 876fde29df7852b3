import { NotificationSendError } from './notification-send.error';

/** fetch says only "fetch failed"; the cause's code (ECONNREFUSED, ENOTFOUND, ...) is what an operator needs. */
function reasonOf(error: unknown, timeoutMs: number): string {
  // Not `instanceof Error`: fetch's errors may come from another realm (undici's own).
  const e = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: unknown;
    cause?: { code?: unknown };
  };
  if (e.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const cause = e.cause;
  return typeof cause?.code === 'string' ? cause.code : 'connection failed';
}

/**
 * POSTs a JSON body to a webhook or API. The URL (a secret: its path is the key) and the headers (a token) are
 * never part of an error: the error says which provider failed and how (HTTP status, network error code).
 */
export async function postJson(
  what: string,
  url: string,
  body: unknown,
  timeoutMs: number,
  headers: Record<string, string> = {},
): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
      // A redirect could send the message (and a bearer token) somewhere nobody configured.
      redirect: 'error',
    });
  } catch (error) {
    throw new NotificationSendError(`${what} unreachable: ${reasonOf(error, timeoutMs)}`);
  }
  // Drain the body so the connection can be reused; its text is not kept (it may echo the request).
  await response.arrayBuffer().catch(() => undefined);
  if (!response.ok)
    throw new NotificationSendError(`${what} answered HTTP ${response.status}`, response.status);
}
