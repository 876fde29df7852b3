import express, { Router } from 'express';
import { CmlHttpError } from './cml-http-error';
import { FaultSpec } from './simulated-fault';
import { SimulatorState } from './simulator-state';

/**
 * The /_sim control API for tests, the demo and benchmarks. It needs no token on purpose: it stands for "someone
 * with console access to the controller", not for a CML client. Bodies are validated by SimulatorState.
 */
export function createAdminApiRouter(state: SimulatorState): Router {
  const router = express.Router();
  router.use(express.json({ limit: '1mb' }));

  router.post('/reset', (_req, res) => {
    state.reset();
    res.status(204).end();
  });

  router.post('/labs/seed', (req, res) => {
    res.json({ ids: state.seedLabs(bodyOf(req.body)) });
  });

  router.get('/labs', (_req, res) => {
    res.json(state.listLabs());
  });

  router.delete('/labs/:id', (req, res) => {
    if (!state.deleteLab(req.params.id)) {
      throw new CmlHttpError(404, `Lab not found: ${req.params.id}`);
    }
    res.status(204).end();
  });

  router.patch('/labs/:id', (req, res) => {
    res.json(state.patchLab(req.params.id, bodyOf(req.body)));
  });

  router.post('/faults', (req, res) => {
    res.json({ id: state.addFault(bodyOf(req.body) as FaultSpec) });
  });

  router.get('/faults', (_req, res) => {
    res.json(state.listFaults());
  });

  router.delete('/faults', (_req, res) => {
    state.clearFaults();
    res.status(204).end();
  });

  router.post('/tokens/expire', (_req, res) => {
    state.expireTokens();
    res.status(204).end();
  });

  router.get('/users', (_req, res) => {
    res.json(state.listUsers());
  });

  router.post('/users', (req, res) => {
    res.json(state.addUser(bodyOf(req.body)));
  });

  router.get('/timing', (_req, res) => {
    res.json(state.getTiming());
  });

  // PUT and PATCH both take any subset of {startMs, stopMs, wipeMs}.
  router.put('/timing', (req, res) => {
    res.json(state.setTiming(bodyOf(req.body)));
  });

  router.patch('/timing', (req, res) => {
    res.json(state.setTiming(bodyOf(req.body)));
  });

  router.get('/settings', (_req, res) => {
    res.json(state.getSettings());
  });

  router.patch('/settings', (req, res) => {
    res.json(state.updateSettings(bodyOf(req.body)));
  });

  router.get('/stats', (_req, res) => {
    res.json(state.stats());
  });

  router.post('/stats/reset', (_req, res) => {
    state.resetStats();
    res.status(204).end();
  });

  return router;
}

/** A request without a JSON body arrives as undefined; validation then reports the missing fields. */
function bodyOf<T>(body: unknown): T {
  return (body ?? {}) as T;
}
