import express, { Router } from 'express';
import { PendingDelays } from './pending-delays';
import { registerAuthRoutes } from './public-auth-routes';
import { registerLabRoutes } from './public-lab-routes';
import { createRouteFactory } from './public-route';
import { registerTopologyRoutes } from './public-topology-routes';
import { SimulatorState } from './simulator-state';

export { AUTHENTICATION_FAILED } from './public-auth-routes';

/**
 * The public CML 2.x API under /api/v0. Every route runs the same steps (see createRouteFactory): count the
 * request, wait the global latency, apply armed faults, check the bearer token, then do the real work.
 */
export function createPublicApiRouter(
  state: SimulatorState,
  delays: PendingDelays,
  latencyMs: number,
): Router {
  const router = express.Router();
  // Raw text for every content type: authenticate parses JSON itself (to answer 400 its own way) and import
  // parses YAML whatever the Content-Type says.
  router.use(express.text({ type: () => true, limit: '10mb' }));
  const route = createRouteFactory(state, delays, latencyMs);
  registerAuthRoutes(router, route, state);
  registerLabRoutes(router, route, state);
  registerTopologyRoutes(router, route, state);
  return router;
}
