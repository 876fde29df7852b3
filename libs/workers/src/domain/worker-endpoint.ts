import { InvalidInputError } from '@app/common';

/**
 * A CML controller's base address: `https://host[:port]` and nothing else. No path, query,
 * fragment or credentials, so that the address we store is the one we call and the one whose
 * uniqueness we check.
 */
export function normalizeWorkerEndpoint(raw: string, field = 'endpoint'): string {
  const fail = (message: string): never => {
    throw new InvalidInputError(`${field} ${message}`, [{ field, message }]);
  };
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return fail('must be an absolute URL like https://cml.example.com[:port]');
  }
  if (url.protocol !== 'https:') fail('must use https');
  if (url.username || url.password) fail('must not contain credentials');
  if (url.search || url.hash) fail('must not contain a query or fragment');
  if (url.pathname !== '/' && url.pathname !== '') fail('must not contain a path (https://host[:port])');
  if (!url.hostname) fail('must name a host');
  return `https://${url.host.toLowerCase()}`;
}
