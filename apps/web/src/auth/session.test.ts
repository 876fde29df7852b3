import { describe, expect, it } from 'vitest';
import { rolesOf } from './session';

describe('roles from a token', () => {
  const jwt = (claims: object) => `e30.${btoa(JSON.stringify(claims)).replace(/=+$/, '')}.sig`;
  const topAndRealm = [['roles'], ['realm_access', 'roles']];
  it('reads roles or realm_access.roles when the API names them, ignoring unknown ones', () => {
    expect(rolesOf(jwt({ roles: ['operator', 'other'] }), topAndRealm)).toEqual(['operator']);
    expect(rolesOf(jwt({ realm_access: { roles: ['admin'] } }), topAndRealm)).toEqual(['admin']);
    expect(rolesOf('not-a-jwt', topAndRealm)).toEqual([]);
  });

  it('reads the claim paths the API reads (/web-config.json roleClaims), and only those', () => {
    const keycloak = [['resource_access', 'cml-labs', 'roles']];
    const token = jwt({
      roles: ['admin'],
      realm_access: { roles: ['admin'] },
      resource_access: { 'cml-labs': { roles: ['operator', 'uma_protection'] }, other: { roles: ['admin'] } },
    });
    expect(rolesOf(token, keycloak)).toEqual(['operator']);
    expect(rolesOf(jwt({ roles: 'viewer admin' }), [['roles']])).toEqual(['viewer', 'admin']);
    expect(rolesOf(jwt({ roles: ['admin'] }), keycloak)).toEqual([]);
    expect(rolesOf(token, [])).toEqual([]);
  });
});
