/** The value as a URL when it is an absolute http(s) URL with a host, else undefined. */
export function httpUrlOf(value: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' ? url : undefined;
}

export function isHttpUrl(value: string): boolean {
  return httpUrlOf(value) !== undefined;
}

/** fetch refuses URLs with user:password, and the URL would then show up in errors and logs. */
export function isHttpUrlWithoutCredentials(value: string): boolean {
  const url = httpUrlOf(value);
  return url !== undefined && !url.username && !url.password;
}

/** Hosts an `http:` JWKS URL may name when AUTH_JWKS_ALLOW_HTTP_LOOPBACK=true (local tests only). */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}
