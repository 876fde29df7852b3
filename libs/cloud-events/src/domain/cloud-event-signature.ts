import { createHmac, timingSafeEqual } from 'node:crypto';

/** The request header that carries the signature: `sha256=<lowercase hex>`. */
export const CLOUD_EVENT_SIGNATURE_HEADER = 'x-cml-labs-signature';

const VERSION_LINE = 'cml-labs-signature-v1';
const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

export type HeaderValues = Record<string, string | string[] | number | undefined>;

/**
 * What is signed: a version line, then `name:value` lines for content-type and every `ce-*` header (names
 * lowercased, sorted), an empty line, then the body bytes. A signature over the body alone would not do: in
 * binary mode `id`, `source`, `type` and `time` travel as ce-* headers, so a captured request could be stored
 * again under another id or type. Signing every ce-* header received also means that an attribute added on
 * the way (a new ce-* header) breaks the signature instead of being stored unsigned.
 */
export function cloudEventSigningInput(headers: HeaderValues, body: Buffer | string): Buffer {
  const lines = Object.entries(headers)
    .map(([name, value]) => [name.toLowerCase(), value] as const)
    .filter(([name, value]) => value !== undefined && (name === 'content-type' || name.startsWith('ce-')))
    .map(([name, value]) => [name, (Array.isArray(value) ? value.join(', ') : String(value)).trim()] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}:${value}\n`)
    .join('');
  const head = Buffer.from(`${VERSION_LINE}\n${lines}\n`, 'utf8');
  return Buffer.concat([head, typeof body === 'string' ? Buffer.from(body, 'utf8') : body]);
}

function digest(secret: string, headers: HeaderValues, body: Buffer | string): Buffer {
  return createHmac('sha256', secret).update(cloudEventSigningInput(headers, body)).digest();
}

/** The value of the signature header for this request: HMAC-SHA256 with the shared secret. */
export function signCloudEvent(secret: string, headers: HeaderValues, body: Buffer | string): string {
  return `sha256=${digest(secret, headers, body).toString('hex')}`;
}

/** True when `signature` is the signature of this request under `secret`; compared in constant time. */
export function verifyCloudEventSignature(
  secret: string,
  headers: HeaderValues,
  body: Buffer | string,
  signature: string | undefined,
): boolean {
  const match = typeof signature === 'string' ? SIGNATURE.exec(signature.trim()) : null;
  if (!match) return false;
  return timingSafeEqual(Buffer.from(match[1], 'hex'), digest(secret, headers, body));
}
