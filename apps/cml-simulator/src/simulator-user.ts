/** A CML user the simulator accepts at /api/v0/authenticate. */
export interface SimulatorUser {
  username: string;
  password: string;
  admin: boolean;
  fullname?: string;
}

/** The single account a fresh simulator knows, matching the demo and test defaults. */
export const DEFAULT_SIMULATOR_USERS: readonly SimulatorUser[] = [
  { username: 'admin', password: 'admin-password', admin: true, fullname: 'Administrator' },
];
