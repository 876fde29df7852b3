import { Request, Router } from 'express';
import { z } from 'zod';
import { parseAdminRequest } from './admin-request-schemas';
import { listedLabs } from './lab-access';
import { labState, touchLab } from './lab-lifecycle';
import { labTileView } from './lab-views';
import { accessibleLab, booleanQuery, jsonBody, requireCaller, RouteFactory } from './public-route';
import { SimulatorState } from './simulator-state';
import { importTopology } from './topology-import';

/** Body of the public PATCH /labs/{id}; other fields CML accepts (autostart, node_staging, ...) are ignored. */
const labUpdateSchema = z.object({
  title: z.string().optional(),
  description: z.string().optional(),
  notes: z.string().optional(),
  groups: z
    .array(z.strictObject({ id: z.string().min(1), permission: z.enum(['read_only', 'read_write']) }))
    .optional(),
});

/**
 * The lab routes: list, details, update, the asynchronous lifecycle (start, stop, wipe), delete, state,
 * convergence, the lab tiles and topology import.
 */
export function registerLabRoutes(router: Router, route: RouteFactory, state: SimulatorState): void {
  router.get(
    '/labs',
    route('labs.list', (req, res, caller) => {
      const { user } = requireCaller(caller);
      const ids = listedLabs(state.labs.all(), user, booleanQuery(req, 'show_all') === true).map(
        (lab) => lab.id,
      );
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
    route('labs.get', (req, res, caller) => {
      const lab = accessibleLab(state, req, caller);
      const merge = state.faults.take('labs.get', lab.id, ['merge_json']);
      res.json({ ...state.view(lab, caller?.user), ...(merge?.json as object | undefined) });
    }),
  );

  router.patch(
    '/labs/:id',
    route('labs.patch', (req, res, caller) => {
      const lab = accessibleLab(state, req, caller, 'lab_edit');
      const update = parseAdminRequest(labUpdateSchema, jsonBody(req) ?? {}, 'lab update');
      lab.title = update.title ?? lab.title;
      lab.description = update.description ?? lab.description;
      lab.notes = update.notes ?? lab.notes;
      lab.groups = update.groups ?? lab.groups;
      touchLab(lab);
      res.json(state.view(lab, caller?.user));
    }),
  );

  // 204 at once; the nodes move over the configured times (lab-lifecycle.ts).
  for (const action of ['start', 'stop', 'wipe'] as const) {
    router.put(
      `/labs/:id/${action}`,
      route(`labs.${action}`, (req, res, caller) => {
        state.lifecycle[action](accessibleLab(state, req, caller, 'lab_exec'));
        res.status(204).end();
      }),
    );
  }

  router.delete(
    '/labs/:id',
    route('labs.delete', (req, res, caller) => {
      state.labs.delete(accessibleLab(state, req, caller, 'lab_admin').id);
      res.status(204).end();
    }),
  );

  router.get(
    '/labs/:id/state',
    route('labs.state', (req, res, caller) => {
      // A bare JSON string, e.g. "STARTED".
      res.json(labState(accessibleLab(state, req, caller)));
    }),
  );

  router.get(
    '/labs/:id/check_if_converged',
    route('labs.converged', (req, res, caller) => {
      res.json(state.lifecycle.converged(accessibleLab(state, req, caller)));
    }),
  );

  // Every lab the caller can see (the show_all=true rule): which labs real CML includes is UNCONFIRMED.
  router.get(
    '/populate_lab_tiles',
    route('populate_lab_tiles', (_req, res, caller) => {
      const { user } = requireCaller(caller);
      const tiles: Record<string, unknown> = {};
      for (const lab of listedLabs(state.labs.all(), user, true)) {
        tiles[lab.id] = labTileView(lab, state.users, user);
      }
      res.json({ lab_tiles: tiles });
    }),
  );

  router.post(
    '/import',
    route('import', (req, res, caller) => {
      const { user } = requireCaller(caller);
      const title = typeof req.query.title === 'string' ? req.query.title : undefined;
      const topology = importTopology(rawBody(req), title);
      const lab = state.labs.create({
        title: topology.title,
        description: topology.description,
        notes: topology.notes,
        ownerId: user.id,
        state: 'DEFINED_ON_CORE',
        topology,
      });
      res.json({ id: lab.id, warnings: [] });
    }),
  );
}

/** The request body as text: the router reads every Content-Type as text and import parses it as YAML. */
function rawBody(req: Request): string {
  return typeof req.body === 'string' ? req.body : '';
}
