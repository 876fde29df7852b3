/** Moved to libs/common/src/auth (shared with apps/audit). */
export { InvalidTokenError, TokenVerifier, userFromClaims } from '@app/common/auth';
