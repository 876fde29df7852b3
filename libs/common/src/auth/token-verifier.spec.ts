import { InvalidTokenError, userFromClaims } from './token-verifier';

describe('userFromClaims', () => {
  const keycloak = [['resource_access', 'cml-labs', 'roles']];

  it("reads roles from the configured claim paths only (default: Keycloak's client roles)", () => {
    const claims = {
      sub: 'kc-user',
      roles: ['admin'],
      realm_access: { roles: ['admin'] },
      resource_access: { 'cml-labs': { roles: ['operator', 'uma_protection'] }, other: { roles: ['admin'] } },
    };
    expect(userFromClaims(claims, keycloak)).toEqual({
      subject: 'kc-user',
      roles: ['operator', 'uma_protection'],
    });
    expect(userFromClaims(claims, [['realm_access', 'roles'], ['roles']]).roles).toEqual(['admin']);
    expect(userFromClaims({ sub: 'x', roles: ['admin'] }, keycloak).roles).toEqual([]);
  });

  it('takes an array or a space-separated string, merges the paths and ignores other shapes', () => {
    const paths = [['roles'], ['resource_access', 'cml-labs', 'roles'], ['scope_roles']];
    expect(
      userFromClaims(
        {
          sub: 's',
          roles: 'viewer operator',
          resource_access: { 'cml-labs': { roles: ['admin', 7] } },
          scope_roles: {},
        },
        paths,
      ).roles,
    ).toEqual(['viewer', 'operator', 'admin']);
    expect(userFromClaims({ sub: 's', resource_access: 'x' }, keycloak).roles).toEqual([]);
  });

  it('reads the username from preferred_username, or from the configured path, only when it is a non-empty string', () => {
    expect(userFromClaims({ sub: 's', preferred_username: ' alice ' }, keycloak).username).toBe('alice');
    expect(userFromClaims({ sub: 's', preferred_username: '' }, keycloak).username).toBeUndefined();
    expect(userFromClaims({ sub: 's', preferred_username: ['alice'] }, keycloak).username).toBeUndefined();
    expect(
      userFromClaims({ sub: 's', ext: { cml_user: 'bob' } }, keycloak, ['ext', 'cml_user']).username,
    ).toBe('bob');
    expect(
      userFromClaims({ sub: 's', preferred_username: 'alice' }, keycloak, ['upn']).username,
    ).toBeUndefined();
  });

  it('needs a subject', () => {
    expect(() => userFromClaims({ roles: ['admin'] }, [['roles']])).toThrow(InvalidTokenError);
  });
});
