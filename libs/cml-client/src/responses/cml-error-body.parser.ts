/** Fields of CML's `{code, description}` error body, when it sent one. */
export interface CmlErrorBody {
  cmlCode?: number | string;
  cmlDescription?: string;
}

// Descriptions end up in user-facing messages and logs; keep them to one short line.
const MAX_DESCRIPTION_LENGTH = 300;

/**
 * Extracts `{code, description}` from an error response body. Tolerates anything (HTML from a
 * proxy, empty bodies): returns an empty object instead of throwing, since the status alone
 * already decides the error class.
 */
export function parseCmlErrorBody(raw: unknown): CmlErrorBody {
  let body: unknown = raw;
  if (typeof raw === 'string') {
    try {
      body = JSON.parse(raw);
    } catch {
      return {};
    }
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return {};
  }
  const { code, description } = body as Record<string, unknown>;
  const result: CmlErrorBody = {};
  if (typeof code === 'number' || typeof code === 'string') {
    result.cmlCode = code;
  }
  if (typeof description === 'string') {
    // Control characters would let a hostile server forge log lines.
    // eslint-disable-next-line no-control-regex
    const oneLine = description.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
    if (oneLine) {
      result.cmlDescription =
        oneLine.length > MAX_DESCRIPTION_LENGTH ? `${oneLine.slice(0, MAX_DESCRIPTION_LENGTH)}…` : oneLine;
    }
  }
  return result;
}
