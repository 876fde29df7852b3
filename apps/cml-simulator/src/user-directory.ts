import { createHash } from 'node:crypto';
import { SimulatorUser } from './simulator-user';

/** A configured user plus the uuid CML would report as lab `owner`. */
export interface KnownUser extends SimulatorUser {
  id: string;
  fullname: string;
}

/**
 * The users of one simulator. Ids are derived from the username (name-based, uuid v5 layout) so they are stable
 * across restarts: a demo or benchmark that remembers an owner id keeps matching after the simulator restarts.
 */
export class UserDirectory {
  private readonly byUsername = new Map<string, KnownUser>();
  private readonly byId = new Map<string, KnownUser>();

  constructor(users: readonly SimulatorUser[]) {
    if (users.length === 0) {
      throw new Error('cml-simulator needs at least one user');
    }
    for (const user of users) {
      if (this.byUsername.has(user.username)) {
        throw new Error(`cml-simulator: duplicate user ${user.username}`);
      }
      const known: KnownUser = { ...user, id: stableUserId(user.username), fullname: user.fullname ?? '' };
      this.byUsername.set(user.username, known);
      this.byId.set(known.id, known);
    }
  }

  findByUsername(username: string): KnownUser | undefined {
    return this.byUsername.get(username);
  }

  findById(id: string): KnownUser | undefined {
    return this.byId.get(id);
  }

  /** The owner of labs created without an explicit owner (seeding): the first admin, else the first user. */
  defaultOwner(): KnownUser {
    const all = [...this.byUsername.values()];
    return all.find((u) => u.admin) ?? all[0];
  }
}

/** A fixed namespace so the same username always maps to the same uuid. */
const USER_ID_NAMESPACE = 'cml-simulator/users/';

function stableUserId(username: string): string {
  const hex = createHash('sha1')
    .update(USER_ID_NAMESPACE + username)
    .digest('hex')
    .slice(0, 32);
  // Set version 5 and the RFC 4122 variant bits so strict uuid validators on the client side accept it.
  const version = '5' + hex.slice(13, 16);
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16) + hex.slice(17, 20);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${version}-${variant}-${hex.slice(20, 32)}`;
}
