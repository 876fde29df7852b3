import express, { Express } from 'express';
import { createAdminApiRouter } from './admin-api-router';
import { cmlErrorHandler, cmlNotFoundHandler } from './cml-error-middleware';
import { PendingDelays } from './pending-delays';
import { createPublicApiRouter } from './public-api-router';
import { SimulatorState } from './simulator-state';

/** The express application of one simulator: public CML API, /_sim control API, CML-shaped 404s and errors. */
export function createSimulatorApp(state: SimulatorState, delays: PendingDelays, latencyMs: number): Express {
  const app = express();
  app.disable('x-powered-by');
  // No ETags: a 304 to a client polling lab details would hide the state changes the simulator exists to show.
  app.set('etag', false);
  app.use('/api/v0', createPublicApiRouter(state, delays, latencyMs));
  app.use('/_sim', createAdminApiRouter(state));
  app.use(cmlNotFoundHandler);
  app.use(cmlErrorHandler);
  return app;
}
