import { createHash } from 'node:crypto';
import { CmlHttpError } from './cml-http-error';
import { BUILT_IN_ADMIN_ID, SimulatorUser } from './simulator-user';

/** A group users belong to and labs are shared with. */
export interface KnownGroup {
  id: string;
  name: string;
}

/** A configured user plus the uuid CML would report as lab `owner`, and the ids of its groups. */
export interface KnownUser extends Omit<SimulatorUser, 'groups'> {
  id: string;
  fullname: string;
  groupIds: string[];
  created: Date;
}

/** A user as GET /_sim/users lists it (no password). */
export interface SimulatorUserSummary {
  id: string;
  username: string;
  fullname: string;
  admin: boolean;
  groups: KnownGroup[];
}

/**
 * The users and groups of one simulator. The first admin gets the uuid of CML's built-in admin; other ids are
 * derived from the username, and group ids from the group name (uuid v4 layout, as CML's id pattern requires),
 * so they are stable across restarts: a demo or benchmark that remembers an owner id keeps matching.
 */
export class UserDirectory {
  private readonly byUsername = new Map<string, KnownUser>();
  private readonly byId = new Map<string, KnownUser>();
  private readonly groupsById = new Map<string, KnownGroup>();

  constructor(users: readonly SimulatorUser[]) {
    if (users.length === 0) {
      throw new Error('cml-simulator needs at least one user');
    }
    for (const user of users) {
      if (this.byUsername.has(user.username)) {
        throw new Error(`cml-simulator: duplicate user ${user.username}`);
      }
      this.register(user);
    }
  }

  /** Adds a user at run time (POST /_sim/users); 400 if the username is taken. */
  add(user: SimulatorUser): KnownUser {
    if (this.byUsername.has(user.username)) {
      throw new CmlHttpError(400, `User ${user.username} already exists`);
    }
    return this.register(user);
  }

  findByUsername(username: string): KnownUser | undefined {
    return this.byUsername.get(username);
  }

  findById(id: string): KnownUser | undefined {
    return this.byId.get(id);
  }

  all(): KnownUser[] {
    return [...this.byUsername.values()];
  }

  /** The owner of labs created without an explicit owner (seeding): the first admin, else the first user. */
  defaultOwner(): KnownUser {
    const all = this.all();
    return all.find((u) => u.admin) ?? all[0];
  }

  /** The group of that name, created on first use so labs can be shared with groups nobody is in yet. */
  groupNamed(name: string): KnownGroup {
    const id = stableUuid(GROUP_ID_NAMESPACE + name);
    let group = this.groupsById.get(id);
    if (!group) {
      group = { id, name };
      this.groupsById.set(id, group);
    }
    return group;
  }

  findGroup(id: string): KnownGroup | undefined {
    return this.groupsById.get(id);
  }

  summary(user: KnownUser): SimulatorUserSummary {
    return {
      id: user.id,
      username: user.username,
      fullname: user.fullname,
      admin: user.admin,
      groups: user.groupIds.map((id) => ({ ...this.groupsById.get(id)! })),
    };
  }

  private register(user: SimulatorUser): KnownUser {
    const isBuiltInAdmin = user.admin && !this.all().some((u) => u.admin);
    const { groups, ...rest } = user;
    const known: KnownUser = {
      ...rest,
      id: isBuiltInAdmin ? BUILT_IN_ADMIN_ID : stableUuid(USER_ID_NAMESPACE + user.username),
      fullname: user.fullname ?? '',
      groupIds: (groups ?? []).map((name) => this.groupNamed(name).id),
      created: new Date(),
    };
    this.byUsername.set(known.username, known);
    this.byId.set(known.id, known);
    return known;
  }
}

/** Fixed namespaces so the same name always maps to the same uuid. */
const USER_ID_NAMESPACE = 'cml-simulator/users/';
const GROUP_ID_NAMESPACE = 'cml-simulator/groups/';

function stableUuid(name: string): string {
  const hex = createHash('sha1').update(name).digest('hex').slice(0, 32);
  // Version 4 and the RFC 4122 variant bits: CML's id pattern (`4[\da-f]{3}-[89ab]...`) accepts nothing else.
  const version = '4' + hex.slice(13, 16);
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16) + hex.slice(17, 20);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${version}-${variant}-${hex.slice(20, 32)}`;
}
