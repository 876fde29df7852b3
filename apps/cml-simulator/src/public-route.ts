import { Request, RequestHandler, Response } from 'express';
import { CmlHttpError } from './cml-http-error';
import { assertLabAccess } from './lab-access';
import { PendingDelays } from './pending-delays';
import { PublicRouteName } from './public-route-name';
import { applyRequestFaults } from './request-fault-gate';
import { LabPermission, SimulatedLab } from './simulated-lab';
import { SimulatorState } from './simulator-state';
import { CmlTokenClaims } from './token-issuer';
import { KnownUser } from './user-directory';

/** The authenticated caller of a route that needs a token: the user and the claims of its token. */
export interface Caller {
  user: KnownUser;
  token: CmlTokenClaims;
}

export type RouteHandler = (req: Request, res: Response, caller: Caller | undefined) => void | Promise<void>;

export interface RouteOptions {
  /** Whether the route needs a bearer token; default true. */
  auth?: boolean;
  /**
   * Whether the route exists on the simulated controller right now (version, settings). A route that does not
   * answers the unknown-route 404, but is still counted under its name so tests can see that a client tried it.
   */
  available?: () => boolean;
}

export type RouteFactory = (
  name: PublicRouteName,
  handler: RouteHandler,
  options?: RouteOptions,
) => RequestHandler;

/**
 * Wraps a public API handler in the steps every route runs, in this order: count the request, wait the global
 * latency, answer 404 if the route is unavailable, apply armed faults, check the bearer token (unless the route
 * needs none), then do the real work.
 */
export function createRouteFactory(
  state: SimulatorState,
  delays: PendingDelays,
  latencyMs: number,
): RouteFactory {
  return (name, handler, options = {}) =>
    async (req: Request, res: Response): Promise<void> => {
      state.requestStats.record(name);
      const left = state.requestStats.enter(name);
      res.once('finish', left);
      res.once('close', left);
      await delays.wait(latencyMs);
      if (options.available && !options.available()) {
        throw unknownRoute(req);
      }
      const labId = typeof req.params.id === 'string' ? req.params.id : undefined;
      if (await applyRequestFaults(state.faults, delays, name, labId, res)) {
        return;
      }
      const caller = options.auth === false ? undefined : authenticatedCaller(state, req);
      await handler(req, res, caller);
    };
}

/** The 404 of a path the controller has no route for (also what cmlNotFoundHandler answers). */
export function unknownRoute(req: Request): CmlHttpError {
  return new CmlHttpError(404, `Not found: ${req.method} ${req.baseUrl}${req.path}`);
}

function authenticatedCaller(state: SimulatorState, req: Request): Caller {
  const token = state.tokens.verify(req.headers.authorization);
  const user = state.users.findById(token.sub);
  if (!user) {
    throw new CmlHttpError(401, 'Invalid authorization token.');
  }
  return { user, token };
}

export function requireCaller(caller: Caller | undefined): Caller {
  if (!caller) {
    // Only reachable if a route is wired without auth by mistake; fail loudly rather than leak labs.
    throw new CmlHttpError(500, 'Route requires an authenticated user');
  }
  return caller;
}

/** The lab named in the path, if the caller may do `needed` with it (see lab-access.ts for the answers). */
export function accessibleLab(
  state: SimulatorState,
  req: Request,
  caller: Caller | undefined,
  needed: LabPermission = 'lab_view',
): SimulatedLab {
  const { user } = requireCaller(caller);
  const lab = state.labs.get(String(req.params.id));
  assertLabAccess(lab, user, needed, state.getSettings().foreignLabStatus);
  return lab;
}

/** A boolean query parameter as CML reads it: `true`/`false` (any case); anything else counts as absent. */
export function booleanQuery(req: Request, name: string): boolean | undefined {
  const raw = req.query[name];
  if (typeof raw !== 'string') {
    return undefined;
  }
  const lower = raw.toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : undefined;
}

/** A JSON request body (the public router reads every body as text). */
export function jsonBody(req: Request): unknown {
  const body: unknown = req.body;
  if (typeof body !== 'string' || body.trim() === '') {
    return undefined;
  }
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw new CmlHttpError(400, 'Malformed JSON body');
  }
}
