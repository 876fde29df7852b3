/** A CML user the simulator accepts at /api/v0/authenticate. */
export interface SimulatorUser {
  username: string;
  password: string;
  admin: boolean;
  fullname?: string;
  /** Names of the groups the user belongs to; labs shared with one of them are visible to the user. */
  groups?: string[];
}

/** The single account a fresh simulator knows, matching the demo and test defaults. */
export const DEFAULT_SIMULATOR_USERS: readonly SimulatorUser[] = [
  { username: 'admin', password: 'admin-password', admin: true, fullname: 'Administrator' },
];

/** The uuid CML gives its built-in admin account; the simulator gives it to the first admin it is configured with. */
export const BUILT_IN_ADMIN_ID = '00000000-0000-4000-a000-000000000000';
