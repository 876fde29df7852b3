import { CmlInvalidSettingsError } from './errors/cml-invalid-settings.error';

/** Where the CML REST API of a controller lives. */
export interface CmlApiLocation {
  /** `<endpoint>/api/v0`, without trailing slash. */
  baseUrl: string;
  protocol: 'http:' | 'https:';
}

/**
 * Turns a configured endpoint into the API base URL. A trailing slash or an already appended
 * `/api/v0` is tolerated because operators paste both. Plain http is accepted for simulators and
 * local tests; production controllers should use https.
 */
export function parseCmlEndpoint(workerId: string, endpoint: string): CmlApiLocation {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new CmlInvalidSettingsError(workerId, 'endpoint', 'is not an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new CmlInvalidSettingsError(workerId, 'endpoint', 'must use https (or http)');
  }
  if (url.username || url.password) {
    // Credentials in the URL would bypass our redaction and end up in logs.
    throw new CmlInvalidSettingsError(workerId, 'endpoint', 'must not contain credentials');
  }
  if (url.search || url.hash) {
    throw new CmlInvalidSettingsError(workerId, 'endpoint', 'must not contain a query or fragment');
  }
  const path = url.pathname.replace(/\/+$/, '').replace(/\/api\/v0$/, '');
  return { baseUrl: `${url.origin}${path}/api/v0`, protocol: url.protocol };
}
