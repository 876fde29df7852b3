import { Logger } from '@nestjs/common';
import { JwksClient } from 'jwks-rsa';
import { InvalidTokenError } from './token-verifier';

export interface JwksKeyStoreOptions {
  /** The identity provider's JWKS (https, see AUTH_JWKS_URL). */
  url: string;
  /** Least time between two fetches, whatever asks for them (AUTH_JWKS_COOLDOWN_MS). */
  cooldownMs: number;
  /** Keys older than this are refreshed in the background; they keep serving meanwhile (AUTH_JWKS_CACHE_MAX_AGE_MS). */
  cacheMaxAgeMs: number;
  /** Per fetch. */
  timeoutMs?: number;
  now?: () => number;
}

/**
 * The identity provider's signing keys, held as one set. jwks-rsa fetches the set and turns JWKs into public
 * keys; its own cache and rate limit are not used, because together they do not do the job: the cache is per
 * `kid` and drops a key at its max age even while the provider is down, and the rate limiter counts every
 * cache miss, so a flood of tokens with random `kid`s spends the budget and the refresh of a real key is then
 * refused too (everyone locked out). Here:
 * - at most one fetch per cooldown, whatever triggers it (an unknown `kid`, stale keys); concurrent callers
 *   share the fetch in flight, and a `kid` still unknown within the cooldown is refused without a fetch;
 * - a known key answers at once; once the set is older than the max age it is refreshed in the background,
 *   and a failed refresh keeps the set (stale keys serve while the provider is down);
 * - a successful fetch replaces the set, so a key the provider withdrew stops verifying.
 */
export class JwksKeyStore {
  private readonly logger = new Logger(JwksKeyStore.name);
  private readonly client: JwksClient;
  private readonly now: () => number;
  private keys = new Map<string | undefined, string>();
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private attemptedAt = Number.NEGATIVE_INFINITY;
  private inFlight?: Promise<void>;
  private lastFailure?: string;

  constructor(private readonly options: JwksKeyStoreOptions) {
    this.client = new JwksClient({
      jwksUri: options.url,
      cache: false,
      rateLimit: false,
      timeout: options.timeoutMs ?? 5000,
    });
    this.now = options.now ?? Date.now;
  }

  /** The public key (PEM) for a token's `kid`; throws InvalidTokenError when there is none. */
  async publicKey(kid: string | undefined): Promise<string> {
    const known = this.find(kid);
    if (known) {
      if (this.now() - this.fetchedAt >= this.options.cacheMaxAgeMs) void this.refresh();
      return known;
    }
    await this.refresh();
    const found = this.find(kid);
    if (found) return found;
    if (this.keys.size === 0) {
      throw new InvalidTokenError(
        `no signing key: the JWKS is unavailable (${this.lastFailure ?? 'not fetched'})`,
      );
    }
    throw new InvalidTokenError(
      kid === undefined
        ? 'no signing key: no kid and several keys'
        : `no signing key for kid ${JSON.stringify(kid)}`,
    );
  }

  private find(kid: string | undefined): string | undefined {
    if (kid !== undefined) return this.keys.get(kid);
    // No kid: only unambiguous with a single key (jwks-rsa's rule).
    return this.keys.size === 1 ? [...this.keys.values()][0] : undefined;
  }

  /** Fetches the set unless a fetch is in flight (then joins it) or the last one began within the cooldown. */
  private refresh(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    const startedAt = this.now();
    if (startedAt - this.attemptedAt < this.options.cooldownMs) return Promise.resolve();
    this.attemptedAt = startedAt;
    this.inFlight = this.client
      .getSigningKeys()
      .then((keys) => {
        this.keys = new Map(keys.map((k) => [k.kid ?? undefined, k.getPublicKey()]));
        this.fetchedAt = startedAt;
        this.lastFailure = undefined;
      })
      .catch((error: unknown) => {
        this.lastFailure = error instanceof Error ? error.message : String(error);
        this.logger.warn(
          `JWKS fetch from ${this.options.url} failed (${this.lastFailure}); ${
            this.keys.size > 0 ? `keeping the ${this.keys.size} known key(s)` : 'no key known yet'
          }; next attempt in ${this.options.cooldownMs} ms at the earliest`,
        );
      })
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }
}
