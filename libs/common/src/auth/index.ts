/**
 * Bearer-JWT verification and roles, shared by apps/api and apps/audit so that both accept exactly the same
 * tokens with the same roles (`@app/common/auth`). Only the plain parts live here; the Nest guards and
 * decorators stay with each app.
 */
export * from './authenticated-user';
export * from './role';
export * from './token-verifier';
export * from './jwks-key-store';
export * from './jwt-token-verifier';
