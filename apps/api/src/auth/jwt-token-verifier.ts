import jwt, { JwtHeader, SigningKeyCallback } from 'jsonwebtoken';
import { JwksClient } from 'jwks-rsa';
import { AppConfig } from '@app/common';
import { AuthenticatedUser } from './authenticated-user';
import { InvalidTokenError, TokenVerifier, userFromClaims } from './token-verifier';

/**
 * HS256 with AUTH_JWT_SECRET, or RS256/ES256 keys from AUTH_JWKS_URL. The accepted algorithms are
 * fixed per mode, so `alg: none` and algorithm-confusion tokens are refused; issuer and audience
 * are checked whenever they are configured.
 */
export class JwtTokenVerifier extends TokenVerifier {
  private readonly jwks?: JwksClient;

  constructor(private readonly config: AppConfig['auth']) {
    super();
    if (config.jwksUrl) {
      this.jwks = new JwksClient({ jwksUri: config.jwksUrl, cache: true, rateLimit: true, timeout: 5000 });
    }
  }

  verify(token: string): Promise<AuthenticatedUser> {
    const options: jwt.VerifyOptions = {
      algorithms: this.jwks ? ['RS256', 'RS384', 'RS512', 'ES256', 'ES384'] : ['HS256'],
      ...(this.config.issuer ? { issuer: this.config.issuer } : {}),
      ...(this.config.audience ? { audience: this.config.audience } : {}),
      clockTolerance: 5,
    };
    const key = this.jwks
      ? (header: JwtHeader, cb: SigningKeyCallback) => this.signingKey(header, cb)
      : this.config.jwtSecret!;
    return new Promise((resolve, reject) => {
      jwt.verify(token, key, options, (error, decoded) => {
        if (error || !decoded || typeof decoded === 'string') {
          reject(new InvalidTokenError(error?.message ?? 'token payload is not an object'));
          return;
        }
        // A token without an expiry would be valid forever.
        if (typeof (decoded as { exp?: unknown }).exp !== 'number') {
          reject(new InvalidTokenError('token has no expiry (exp)'));
          return;
        }
        try {
          resolve(userFromClaims(decoded as Record<string, unknown>));
        } catch (e) {
          reject(e);
        }
      });
    });
  }

  private signingKey(header: JwtHeader, cb: SigningKeyCallback): void {
    this.jwks!.getSigningKey(header.kid)
      .then((k) => cb(null, k.getPublicKey()))
      .catch((e: Error) => cb(new InvalidTokenError(`no signing key: ${e.message}`)));
  }
}
