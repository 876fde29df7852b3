/**
 * The API's bearer-JWT verification and role rules (apps/api/src/auth), used as they are: apps/audit accepts
 * exactly the tokens the API accepts, with the same roles. One import point, so that moving them into a
 * library changes this file only.
 */
export { JwtTokenVerifier } from '../../../../api/src/auth/jwt-token-verifier';
export { TokenVerifier } from '../../../../api/src/auth/token-verifier';
export { grants } from '../../../../api/src/auth/role';
