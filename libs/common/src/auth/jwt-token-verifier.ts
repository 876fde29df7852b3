import jwt, { JwtHeader, SigningKeyCallback } from 'jsonwebtoken';
import { AppConfig } from '../config/app-config';
import { AuthenticatedUser } from './authenticated-user';
import { JwksKeyStore } from './jwks-key-store';
import { InvalidTokenError, TokenVerifier, userFromClaims } from './token-verifier';

/**
 * HS256 with AUTH_JWT_SECRET, or RS256/ES256 keys from AUTH_JWKS_URL (see JwksKeyStore for how they are
 * cached). The accepted algorithms are fixed per mode, so `alg: none` and algorithm-confusion tokens are
 * refused; issuer and audience are checked in both modes (the configuration requires them), and a token
 * without an expiry is refused (RFC 8725). Roles come from the configured claim paths only.
 */
export class JwtTokenVerifier extends TokenVerifier {
  private readonly jwks?: JwksKeyStore;

  constructor(private readonly config: AppConfig['auth']) {
    super();
    // The configuration requires both with authentication on; with it off, nothing is ever verified.
    if (!config.disabled && (!config.issuer || !config.audience)) {
      throw new Error('JwtTokenVerifier needs an issuer and an audience (AUTH_ISSUER, AUTH_AUDIENCE)');
    }
    if (config.jwksUrl) {
      this.jwks = new JwksKeyStore({
        url: config.jwksUrl,
        cooldownMs: config.jwks.cooldownMs,
        cacheMaxAgeMs: config.jwks.cacheMaxAgeMs,
      });
    }
  }

  verify(token: string): Promise<AuthenticatedUser> {
    const options: jwt.VerifyOptions = {
      algorithms: this.jwks ? ['RS256', 'RS384', 'RS512', 'ES256', 'ES384'] : ['HS256'],
      issuer: this.config.issuer,
      audience: this.config.audience,
      clockTolerance: 5,
    };
    const key = this.jwks
      ? (header: JwtHeader, cb: SigningKeyCallback) => this.signingKey(this.jwks!, header, cb)
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
          resolve(
            userFromClaims(
              decoded as Record<string, unknown>,
              this.config.roleClaims,
              this.config.usernameClaim,
            ),
          );
        } catch (e) {
          reject(e);
        }
      });
    });
  }

  private signingKey(jwks: JwksKeyStore, header: JwtHeader, cb: SigningKeyCallback): void {
    jwks
      .publicKey(header.kid)
      .then((k) => cb(null, k))
      .catch((e: Error) => cb(e));
  }
}
