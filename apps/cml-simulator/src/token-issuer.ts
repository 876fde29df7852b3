import { createSecretKey, randomBytes, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { CmlHttpError } from './cml-http-error';

/** The issuer CML writes into its JWTs. */
export const CML_TOKEN_ISSUER = 'com.cisco.virl';

/** The claims of a CML 2.x JWT: `{iss, sub, iat, exp, jti}` and nothing else. */
export interface CmlTokenClaims {
  iss: string;
  sub: string;
  iat: number;
  exp: number;
  jti: string;
}

/** Descriptions of the 401 answers, exported so tests and clients can match them exactly. */
export const UNAUTHORIZED_DESCRIPTIONS = {
  missing: 'No authorization token provided.',
  invalid: 'Invalid authorization token.',
  expired: 'Authorization token has expired.',
} as const;

/** What the issuer remembers of a token it issued, by `jti`. */
interface IssuedToken {
  userId: string;
  exp: number;
  status: 'active' | 'expired' | 'revoked';
}

/** Issued tokens are forgotten once their exp has passed; pruning runs every this many issues. */
const PRUNE_EVERY = 1000;

/**
 * Issues and checks the bearer tokens of one simulator: HS256 JWTs with CML's claims. The secret is random per
 * instance, so tokens from a previous simulator run are rejected just like tokens from another CML controller.
 * Each token is remembered by its `jti`, so `/_sim/tokens/expire` can expire every token issued so far (they then
 * answer "expired", as after a controller restart) and `DELETE /logout` can revoke one token, or all of a user's
 * (they then answer "invalid").
 */
export class TokenIssuer {
  // A KeyObject, not the bytes: given bytes, jsonwebtoken builds a KeyObject from them on every sign and verify,
  // which was a sixth of the simulator's CPU at 64 requests in flight (and the simulator shares the bench's cores).
  private readonly secret = createSecretKey(randomBytes(32));
  private readonly issued = new Map<string, IssuedToken>();
  private issuedSincePrune = 0;

  constructor(private readonly ttlSeconds: number) {}

  issue(userId: string): string {
    const jti = randomUUID();
    const token = jwt.sign({}, this.secret, {
      algorithm: 'HS256',
      issuer: CML_TOKEN_ISSUER,
      subject: userId,
      jwtid: jti,
      expiresIn: this.ttlSeconds,
    });
    const { exp } = jwt.decode(token) as CmlTokenClaims;
    this.issued.set(jti, { userId, exp, status: 'active' });
    this.prune();
    return token;
  }

  /** Returns the claims of a valid token, or throws the 401 CML would send. */
  verify(authorizationHeader: string | undefined): CmlTokenClaims {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorizationHeader ?? '');
    if (!match) {
      throw new CmlHttpError(401, UNAUTHORIZED_DESCRIPTIONS.missing);
    }
    let claims: Partial<CmlTokenClaims>;
    try {
      const decoded = jwt.verify(match[1], this.secret, { algorithms: ['HS256'], issuer: CML_TOKEN_ISSUER });
      if (typeof decoded === 'string') {
        throw new CmlHttpError(401, UNAUTHORIZED_DESCRIPTIONS.invalid);
      }
      claims = decoded as Partial<CmlTokenClaims>;
    } catch (err) {
      if (err instanceof jwt.TokenExpiredError) {
        throw new CmlHttpError(401, UNAUTHORIZED_DESCRIPTIONS.expired);
      }
      throw new CmlHttpError(401, UNAUTHORIZED_DESCRIPTIONS.invalid);
    }
    const known = typeof claims.jti === 'string' ? this.issued.get(claims.jti) : undefined;
    if (!known || known.userId !== claims.sub) {
      throw new CmlHttpError(401, UNAUTHORIZED_DESCRIPTIONS.invalid);
    }
    if (known.status === 'expired') {
      throw new CmlHttpError(401, UNAUTHORIZED_DESCRIPTIONS.expired);
    }
    if (known.status === 'revoked') {
      throw new CmlHttpError(401, UNAUTHORIZED_DESCRIPTIONS.invalid);
    }
    return claims as CmlTokenClaims;
  }

  /** DELETE /logout: invalidates this token, or with `allSessions` every token of its user. */
  revoke(claims: CmlTokenClaims, allSessions: boolean): void {
    for (const [jti, token] of this.issued) {
      if (jti === claims.jti || (allSessions && token.userId === claims.sub)) {
        token.status = 'revoked';
      }
    }
  }

  /** Invalidates every token issued so far (they answer "expired"); new logins keep working. */
  expireAll(): void {
    for (const token of this.issued.values()) {
      if (token.status === 'active') {
        token.status = 'expired';
      }
    }
  }

  private prune(): void {
    this.issuedSincePrune += 1;
    if (this.issuedSincePrune < PRUNE_EVERY) {
      return;
    }
    this.issuedSincePrune = 0;
    const nowSeconds = Math.floor(Date.now() / 1000);
    for (const [jti, token] of this.issued) {
      if (token.exp < nowSeconds) {
        this.issued.delete(jti);
      }
    }
  }
}
