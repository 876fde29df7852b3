/** Moved to libs/common/src/auth (shared with apps/audit). */
export { JwtTokenVerifier } from '@app/common/auth';
