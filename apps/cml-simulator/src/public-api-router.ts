import express, { Request, Response, Router } from 'express';
import { CmlHttpError } from './cml-http-error';
import { PendingDelays } from './pending-delays';
import { PublicRouteName } from './public-route-name';
import { applyRequestFaults } from './request-fault-gate';
import { SimulatedLab } from './simulated-lab';
import { SimulatorState } from './simulator-state';
import { importTopology } from './topology-import';
import { KnownUser } from './user-directory';

/** The CML release the simulator claims to be; clients may gate features on it. */
export const SIMULATED_CML_VERSION = '2.7.0';

export const AUTHENTICATION_FAILED = 'Authentication failed!';

type RouteHandler = (req: Request, res: Response, user: KnownUser | undefined) => void | Promise<void>;

/**
 * The public CML 2.x API under /api/v0. Every route runs the same steps, in this order: count the request, wait
 * the global latency, apply armed faults, check the bearer token (all routes but authenticate and
 * system_information), then do the real work.
 */
export function createPublicApiRouter(
  state: SimulatorState,
  delays: PendingDelays,
  latencyMs: number,
): Router {
  const router = express.Router();
  // Raw text for every content type: authenticate parses JSON itself (to answer 400 its own way) and import
  // accepts YAML under several content types.
  router.use(express.text({ type: () => true, limit: '10mb' }));

  const route =
    (name: PublicRouteName, needsAuth: boolean, handler: RouteHandler) =>
    async (req: Request, res: Response): Promise<void> => {
      state.requestStats.record(name);
      await delays.wait(latencyMs);
      const labId = typeof req.params.id === 'string' ? req.params.id : undefined;
      if (await applyRequestFaults(state.faults, delays, name, labId, res)) {
        return;
      }
      const user = needsAuth ? authenticatedUser(state, req) : undefined;
      await handler(req, res, user);
    };

  router.post(
    '/authenticate',
    route('authenticate', false, (req, res) => {
      const { username, password } = parseCredentials(req.body);
      const user = state.users.findByUsername(username);
      if (!user || user.password !== password) {
        throw new CmlHttpError(403, AUTHENTICATION_FAILED);
      }
      // CML answers the bare token as a JSON string.
      res.json(state.tokens.issue(user.id, user.username));
    }),
  );

  router.get(
    '/system_information',
    route('system_information', false, (_req, res) => {
      const notReady = state.faults.take('system_information', undefined, ['not_ready']);
      res.json({ version: SIMULATED_CML_VERSION, ready: !notReady });
    }),
  );

  router.get(
    '/labs',
    route('labs.list', true, (req, res, user) => {
      const caller = requireUser(user);
      // show_all is an admin privilege on CML; for anyone else it silently means "my labs".
      const showAll = caller.admin && String(req.query.show_all).toLowerCase() === 'true';
      const ids = state.labs
        .all()
        .filter((lab) => showAll || lab.ownerId === caller.id)
        .map((lab) => lab.id);
      const listFault = state.faults.take('labs.list', undefined, ['empty_list', 'partial_list']);
      if (listFault?.kind === 'empty_list') {
        res.json([]);
      } else if (listFault?.kind === 'partial_list') {
        res.json(ids.slice(0, listFault.keep ?? Math.floor(ids.length / 2)));
      } else {
        res.json(ids);
      }
    }),
  );

  router.get(
    '/labs/:id',
    route('labs.get', true, (req, res, user) => {
      res.json(state.labs.view(accessibleLab(state, req, user)));
    }),
  );

  router.put(
    '/labs/:id/start',
    route('labs.start', true, (req, res, user) => {
      state.labs.start(accessibleLab(state, req, user).id);
      res.status(204).end();
    }),
  );

  router.put(
    '/labs/:id/stop',
    route('labs.stop', true, (req, res, user) => {
      state.labs.stop(accessibleLab(state, req, user).id);
      res.status(204).end();
    }),
  );

  router.put(
    '/labs/:id/wipe',
    route('labs.wipe', true, (req, res, user) => {
      state.labs.wipe(accessibleLab(state, req, user).id);
      res.status(204).end();
    }),
  );

  router.delete(
    '/labs/:id',
    route('labs.delete', true, (req, res, user) => {
      state.labs.delete(accessibleLab(state, req, user).id);
      res.status(204).end();
    }),
  );

  router.post(
    '/import',
    route('import', true, (req, res, user) => {
      const caller = requireUser(user);
      const title = typeof req.query.title === 'string' ? req.query.title : undefined;
      const topology = importTopology(importSource(req), title);
      const lab = state.labs.create({ ...topology, ownerId: caller.id, state: 'DEFINED_ON_CORE' });
      res.json({ id: lab.id, warnings: [] });
    }),
  );

  return router;
}

function authenticatedUser(state: SimulatorState, req: Request): KnownUser {
  const userId = state.tokens.verify(req.headers.authorization);
  const user = state.users.findById(userId);
  if (!user) {
    throw new CmlHttpError(401, 'Invalid authorization token.');
  }
  return user;
}

function requireUser(user: KnownUser | undefined): KnownUser {
  if (!user) {
    // Only reachable if a route is wired without auth by mistake; fail loudly rather than leak labs.
    throw new CmlHttpError(500, 'Route requires an authenticated user');
  }
  return user;
}

/** The lab named in the path, if the caller may see it: 404 for unknown ids, 403 for someone else's lab. */
function accessibleLab(state: SimulatorState, req: Request, user: KnownUser | undefined): SimulatedLab {
  const caller = requireUser(user);
  const lab = state.labs.get(String(req.params.id));
  if (!caller.admin && lab.ownerId !== caller.id) {
    throw new CmlHttpError(403, `User ${caller.username} does not have access to lab ${lab.id}`);
  }
  return lab;
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

/** YAML text as sent, or for a JSON body either the YAML string it carries or the topology document itself. */
function importSource(req: Request): unknown {
  const body: unknown = req.body;
  const text = typeof body === 'string' ? body : '';
  if (req.is('application/json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new CmlHttpError(400, 'Invalid topology: body is not valid JSON');
    }
  }
  return text;
}
