import { z } from 'zod';
import { commaSeparated, intIn, optionalString, problemOf, trueOrFalse } from './env-schemas';
import { isLoopbackHost } from './url-checks';

/**
 * How tokens are verified: the same AUTH_* settings for the API and for apps/audit (which verifies the same
 * tokens for its reads), so both are built from these definitions.
 */
export interface AuthSettings {
  disabled: boolean;
  jwtSecret?: string;
  jwksUrl?: string;
  /** Required unless disabled. */
  issuer?: string;
  /** Required unless disabled. */
  audience?: string;
  /**
   * Where roles are read in the token, each path a list of property names (AUTH_ROLES_CLAIM); default
   * Keycloak's client roles `resource_access.<AUTH_ROLES_CLIENT or AUTH_AUDIENCE>.roles`.
   */
  roleClaims: string[][];
  /**
   * Where the caller's username is in the token (AUTH_USERNAME_CLAIM, a dotted path; default
   * `preferred_username`): matched against a lab's CML owner for a forced delete.
   */
  usernameClaim: string[];
  jwks: {
    /** Least time between two JWKS fetches (an unknown kid refetches at most once per cooldown). */
    cooldownMs: number;
    /** Keys older than this are refreshed; they keep serving while the refresh fails. */
    cacheMaxAgeMs: number;
  };
}

/** `a.b.c` → ['a', 'b', 'c']; comma-separated; every segment non-empty. */
const roleClaimPaths = optionalString.refine(
  (v) =>
    v === undefined || commaSeparated(v).every((p) => p.split('.').every((segment) => segment.length > 0)),
  'must be comma-separated claim paths, e.g. resource_access.cml-labs.roles,realm_access.roles',
);

/** The AUTH_* variables one by one; {@link checkAuthSettings} holds the rules between them. */
export const authSettingsShape = {
  AUTH_DISABLED: trueOrFalse,
  AUTH_JWT_SECRET: optionalString.refine(
    (v) => v === undefined || Buffer.byteLength(v, 'utf8') >= 32,
    'must be at least 32 bytes (HS256 keys shorter than the hash are guessable)',
  ),
  AUTH_JWKS_URL: optionalString,
  AUTH_JWKS_ALLOW_HTTP_LOOPBACK: trueOrFalse,
  AUTH_JWKS_COOLDOWN_MS: intIn(100, 3_600_000, 30_000),
  AUTH_JWKS_CACHE_MAX_AGE_MS: intIn(100, 7 * 24 * 3_600_000, 600_000),
  AUTH_ISSUER: optionalString,
  AUTH_AUDIENCE: optionalString,
  AUTH_ROLES_CLAIM: roleClaimPaths,
  AUTH_ROLES_CLIENT: optionalString,
  AUTH_USERNAME_CLAIM: z
    .string()
    .regex(/^[A-Za-z0-9_:-]+(\.[A-Za-z0-9_:-]+)*$/, { error: 'must be a claim name or a dotted path' })
    .default('preferred_username'),
};

const authEnvSchema = z.object(authSettingsShape);
type AuthEnv = z.output<typeof authEnvSchema>;

/**
 * The rules between the AUTH_* variables, as a refinement of any object schema that includes
 * {@link authSettingsShape} (zod runs it only once every variable is valid on its own).
 */
export function checkAuthSettings(env: AuthEnv, ctx: z.RefinementCtx): void {
  const authConfigured = !!env.AUTH_JWT_SECRET || !!env.AUTH_JWKS_URL;
  if (!authConfigured && env.AUTH_DISABLED !== 'true') {
    ctx.addIssue({
      code: 'custom',
      path: ['AUTH_JWT_SECRET'],
      message:
        'no authentication configured: set AUTH_JWT_SECRET or AUTH_JWKS_URL (with AUTH_ISSUER and AUTH_AUDIENCE), or AUTH_DISABLED=true for a demo',
    });
  }
  // RFC 8725 3.8/3.9: a token is only accepted for this service from this issuer, in every mode.
  if (env.AUTH_DISABLED !== 'true') {
    for (const name of ['AUTH_ISSUER', 'AUTH_AUDIENCE'] as const) {
      if (!env[name]) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `is required with authentication on (the ${
            name === 'AUTH_ISSUER' ? 'iss' : 'aud'
          } every token must carry), for AUTH_JWT_SECRET as for AUTH_JWKS_URL`,
        });
      }
    }
  }
  if (env.AUTH_JWKS_URL) {
    const problem = jwksUrlProblem(env.AUTH_JWKS_URL, env.AUTH_JWKS_ALLOW_HTTP_LOOPBACK === 'true');
    if (problem) ctx.addIssue({ code: 'custom', path: ['AUTH_JWKS_URL'], message: problem });
  }
}

/**
 * The keys that sign every token must come over TLS. Plain http only for a loopback address, and only when
 * AUTH_JWKS_ALLOW_HTTP_LOOPBACK=true says so (tests with a local JWKS server).
 */
function jwksUrlProblem(value: string, allowHttpLoopback: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an https:// URL';
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && allowHttpLoopback && isLoopbackHost(url.hostname)) return undefined;
  return url.protocol === 'http:' && isLoopbackHost(url.hostname)
    ? 'must be an https:// URL (http on loopback needs AUTH_JWKS_ALLOW_HTTP_LOOPBACK=true, for tests)'
    : 'must be an https:// URL';
}

/** The validated AUTH_* variables as settings. */
export function authSettingsOf(e: AuthEnv): AuthSettings {
  return {
    disabled: e.AUTH_DISABLED === 'true',
    jwtSecret: e.AUTH_JWT_SECRET,
    jwksUrl: e.AUTH_JWKS_URL,
    issuer: e.AUTH_ISSUER,
    audience: e.AUTH_AUDIENCE,
    roleClaims: roleClaimsOf(e.AUTH_ROLES_CLAIM, e.AUTH_ROLES_CLIENT ?? e.AUTH_AUDIENCE),
    usernameClaim: e.AUTH_USERNAME_CLAIM.split('.'),
    jwks: { cooldownMs: e.AUTH_JWKS_COOLDOWN_MS, cacheMaxAgeMs: e.AUTH_JWKS_CACHE_MAX_AGE_MS },
  };
}

/**
 * AUTH_ROLES_CLAIM as paths; without it, Keycloak's roles of this service's own client. The default is built
 * from the client id as one segment, so a client id with dots (`api.example.org`) is not split.
 */
function roleClaimsOf(setting: string | undefined, client: string | undefined): string[][] {
  if (setting) return commaSeparated(setting).map((path) => path.split('.'));
  return client ? [['resource_access', client, 'roles']] : [];
}

const authSchema = authEnvSchema.superRefine(checkAuthSettings);

/**
 * The AUTH_* variables alone, validated and read, for an app that has no other use of the API's settings
 * (apps/audit). Problems are in the API's words, so the same mistake reads the same from both.
 */
export function readAuthSettings(env: NodeJS.ProcessEnv): { value?: AuthSettings; problems: string[] } {
  const parsed = authSchema.safeParse(env);
  return parsed.success
    ? { value: authSettingsOf(parsed.data), problems: [] }
    : { problems: parsed.error.issues.map(problemOf) };
}
