import fc from 'fast-check';
import { mayForceDelete } from './force-delete-policy';

describe('mayForceDelete', () => {
  it('lets an admin force any lab', () => {
    expect(mayForceDelete({ isAdmin: true }, 'alice')).toBe(true);
  });

  it("lets the owner force their own lab, and nobody else's", () => {
    expect(mayForceDelete({ isAdmin: false, username: 'alice' }, 'alice')).toBe(true);
    expect(mayForceDelete({ isAdmin: false, username: 'bob' }, 'alice')).toBe(false);
  });

  it('never takes a missing or empty username for an owner', () => {
    expect(mayForceDelete({ isAdmin: false }, '')).toBe(false);
    expect(mayForceDelete({ isAdmin: false, username: '' }, '')).toBe(false);
    expect(mayForceDelete({ isAdmin: false, username: '  ' }, '  ')).toBe(false);
  });

  it('without the admin role, allows exactly the matching non-empty username', () => {
    fc.assert(
      fc.property(fc.option(fc.string(), { nil: undefined }), fc.string(), (username, owner) => {
        const allowed = mayForceDelete({ isAdmin: false, username }, owner);
        expect(allowed).toBe(
          username !== undefined && username.trim() !== '' && username.trim() === owner.trim(),
        );
      }),
    );
  });
});
