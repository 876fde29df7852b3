import { randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { CmlHttpError } from './cml-http-error';

/** Claims the simulator puts in its JWTs; `gen` lets /_sim/tokens/expire revoke every token issued so far. */
interface SimulatorTokenClaims {
  sub: string;
  username: string;
  gen: number;
}

/** Descriptions of the 401 answers, exported so tests and clients can match them exactly. */
export const UNAUTHORIZED_DESCRIPTIONS = {
  missing: 'No authorization token provided.',
  invalid: 'Invalid authorization token.',
  expired: 'Authorization token has expired.',
} as const;

/**
 * Issues and checks the bearer tokens of one simulator. The HS256 secret is random per instance, so tokens from
 * a previous simulator run are rejected just like tokens from another CML controller.
 */
export class TokenIssuer {
  private readonly secret = randomBytes(32);
  private generation = 0;

  constructor(private readonly ttlSeconds: number) {}

  issue(userId: string, username: string): string {
    const claims: SimulatorTokenClaims = { sub: userId, username, gen: this.generation };
    return jwt.sign(claims, this.secret, { algorithm: 'HS256', expiresIn: this.ttlSeconds });
  }

  /** Returns the user id the token was issued to, or throws the 401 CML would send. */
  verify(authorizationHeader: string | undefined): string {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorizationHeader ?? '');
    if (!match) {
      throw new CmlHttpError(401, UNAUTHORIZED_DESCRIPTIONS.missing);
    }
    let claims: Partial<SimulatorTokenClaims>;
    try {
      const decoded = jwt.verify(match[1], this.secret, { algorithms: ['HS256'] });
      if (typeof decoded === 'string') {
        throw new CmlHttpError(401, UNAUTHORIZED_DESCRIPTIONS.invalid);
      }
      claims = decoded as Partial<SimulatorTokenClaims>;
    } catch (err) {
      if (err instanceof jwt.TokenExpiredError) {
        throw new CmlHttpError(401, UNAUTHORIZED_DESCRIPTIONS.expired);
      }
      throw new CmlHttpError(401, UNAUTHORIZED_DESCRIPTIONS.invalid);
    }
    if (typeof claims.sub !== 'string' || typeof claims.gen !== 'number') {
      throw new CmlHttpError(401, UNAUTHORIZED_DESCRIPTIONS.invalid);
    }
    // A token from before the last expireAll() reads as expired, which is what a client sees after a CML restart.
    if (claims.gen !== this.generation) {
      throw new CmlHttpError(401, UNAUTHORIZED_DESCRIPTIONS.expired);
    }
    return claims.sub;
  }

  /** Invalidates every token issued so far; new logins keep working. */
  expireAll(): void {
    this.generation += 1;
  }
}
