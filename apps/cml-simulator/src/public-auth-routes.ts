import { Router } from 'express';
import { CmlHttpError } from './cml-http-error';
import { formatCmlTimestamp } from './cml-timestamp';
import { booleanQuery, requireCaller, RouteFactory } from './public-route';
import { SimulatorState } from './simulator-state';
import { versionAtLeast } from './simulator-settings';
import { KnownUser } from './user-directory';

export const AUTHENTICATION_FAILED = 'Authentication failed!';

/** The `oui` CML reports: the KVM/QEMU MAC prefix of its nodes. */
const SIMULATED_OUI = '52:54:00:00:00:00';

/**
 * Authentication, system information and users: POST /authenticate, POST /auth_extended, GET /authok,
 * GET /authentication (2.10+), DELETE /logout, GET /system_information, GET /users, GET /users/{id}.
 */
export function registerAuthRoutes(router: Router, route: RouteFactory, state: SimulatorState): void {
  const login = (body: unknown): KnownUser => {
    const { username, password } = parseCredentials(body);
    const user = state.users.findByUsername(username);
    if (!user || user.password !== password) {
      throw new CmlHttpError(403, AUTHENTICATION_FAILED);
    }
    return user;
  };

  router.post(
    '/authenticate',
    route(
      'authenticate',
      (req, res) => {
        // CML answers the bare token as a JSON string.
        res.json(state.tokens.issue(login(req.body).id));
      },
      { auth: false },
    ),
  );

  router.post(
    '/auth_extended',
    route(
      'auth_extended',
      (req, res) => {
        const user = login(req.body);
        res.json({
          username: user.username,
          id: user.id,
          token: state.tokens.issue(user.id),
          admin: user.admin,
          error: null,
        });
      },
      { auth: false, available: () => state.getSettings().authExtended },
    ),
  );

  router.get(
    '/authok',
    route('authok', (_req, res) => {
      res.json('OK');
    }),
  );

  // virl2-client checks its login here instead of /authok when the controller reports 2.10.0 or later.
  router.get(
    '/authentication',
    route(
      'authentication',
      (_req, res, caller) => {
        res.json(userResponse(state, requireCaller(caller).user));
      },
      { available: () => versionAtLeast(state.getSettings().version, 2, 10) },
    ),
  );

  router.delete(
    '/logout',
    route('logout', (req, res, caller) => {
      const { token } = requireCaller(caller);
      state.tokens.revoke(token, booleanQuery(req, 'clear_all_sessions') === true);
      res.json(true);
    }),
  );

  router.get(
    '/system_information',
    route(
      'system_information',
      (_req, res) => {
        const notReady = state.faults.take('system_information', undefined, ['not_ready']);
        res.json({
          version: state.getSettings().version,
          ready: !notReady,
          allow_ssh_pubkey_auth: false,
          oui: SIMULATED_OUI,
        });
      },
      { auth: false },
    ),
  );

  // virl2-client reads the user list to turn a lab's owner id into a name (UserManagement.get_username).
  router.get(
    '/users',
    route('users.list', (_req, res) => {
      res.json(state.users.all().map((u) => userResponse(state, u)));
    }),
  );

  router.get(
    '/users/:userId',
    route('users.get', (req, res) => {
      const user = state.users.findById(String(req.params.userId));
      if (!user) {
        throw new CmlHttpError(404, `User not found: ${String(req.params.userId)}`);
      }
      res.json(userResponse(state, user));
    }),
  );
}

/** A user as GET /users and GET /authentication answer it (SPEC `UserResponse`, no secrets). */
function userResponse(state: SimulatorState, user: KnownUser): Record<string, unknown> {
  return {
    id: user.id,
    username: user.username,
    fullname: user.fullname,
    description: '',
    email: '',
    admin: user.admin,
    groups: [...user.groupIds],
    associations: [],
    resource_pool: null,
    opt_in: null,
    tour_version: '',
    created: formatCmlTimestamp(user.created),
    modified: formatCmlTimestamp(user.created),
    directory_dn: '',
    labs: state.labs
      .all()
      .filter((l) => l.ownerId === user.id)
      .map((l) => l.id),
    pubkey_info: null,
  };
}

function parseCredentials(body: unknown): { username: string; password: string } {
  let parsed: unknown;
  try {
    parsed = typeof body === 'string' && body.length > 0 ? JSON.parse(body) : undefined;
  } catch {
    parsed = undefined;
  }
  const candidate = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  if (typeof candidate.username !== 'string' || typeof candidate.password !== 'string') {
    throw new CmlHttpError(400, 'Malformed request body: expected JSON {"username": ..., "password": ...}');
  }
  return { username: candidate.username, password: candidate.password };
}
