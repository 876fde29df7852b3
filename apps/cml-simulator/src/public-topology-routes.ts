import { Router } from 'express';
import { CmlHttpError } from './cml-http-error';
import { findLink, findNode } from './lab-topology';
import {
  bootProgress,
  downloadYaml,
  elementStateView,
  interfacesWithNodes,
  interfaceView,
  linkView,
  nodeView,
  simulationStatsView,
  topologyView,
} from './lab-views';
import { accessibleLab, booleanQuery, RouteFactory } from './public-route';
import { SimulatorState } from './simulator-state';

/**
 * What virl2-client reads to join and sync a lab: its topology, the element states, nodes, interfaces and links.
 * List routes answer uuids, or objects with `?data=true`, as CML does.
 */
export function registerTopologyRoutes(router: Router, route: RouteFactory, state: SimulatorState): void {
  router.get(
    '/labs/:id/topology',
    route('labs.topology', (req, res, caller) => {
      const lab = accessibleLab(state, req, caller);
      res.json(
        topologyView(lab, { excludeConfigurations: booleanQuery(req, 'exclude_configurations') === true }),
      );
    }),
  );

  router.get(
    '/labs/:id/download',
    route('labs.download', (req, res, caller) => {
      // Raw YAML text (clients write response.text to a .yaml file); the real Content-Type is UNCONFIRMED.
      res.type('text/plain').send(downloadYaml(accessibleLab(state, req, caller)));
    }),
  );

  router.get(
    '/labs/:id/lab_element_state',
    route('labs.element_state', (req, res, caller) => {
      res.json(elementStateView(accessibleLab(state, req, caller)));
    }),
  );

  router.get(
    '/labs/:id/nodes',
    route('labs.nodes', (req, res, caller) => {
      const lab = accessibleLab(state, req, caller);
      if (booleanQuery(req, 'data') !== true) {
        res.json(lab.nodes.map((n) => n.id));
        return;
      }
      const opts = {
        excludeConfigurations: booleanQuery(req, 'exclude_configurations') === true,
        operational: booleanQuery(req, 'operational') === true,
      };
      res.json(lab.nodes.map((n) => nodeView(lab, n, opts)));
    }),
  );

  router.get(
    '/labs/:id/nodes/:nodeId',
    route('labs.node', (req, res, caller) => {
      const lab = accessibleLab(state, req, caller);
      const node = findNode(lab, String(req.params.nodeId));
      res.json(
        nodeView(lab, node, {
          excludeConfigurations: booleanQuery(req, 'exclude_configurations') === true,
          operational: booleanQuery(req, 'operational') === true,
        }),
      );
    }),
  );

  router.get(
    '/labs/:id/nodes/:nodeId/state',
    route('labs.node_state', (req, res, caller) => {
      const node = findNode(accessibleLab(state, req, caller), String(req.params.nodeId));
      res.json({ state: node.state, progress: bootProgress(node) });
    }),
  );

  router.get(
    '/labs/:id/nodes/:nodeId/interfaces',
    route('labs.interfaces', (req, res, caller) => {
      const lab = accessibleLab(state, req, caller);
      const node = findNode(lab, String(req.params.nodeId));
      res.json(
        booleanQuery(req, 'data') === true
          ? node.interfaces.map((i) => interfaceView(lab, node, i))
          : node.interfaces.map((i) => i.id),
      );
    }),
  );

  // Objects unless data=false: virl2-client 2.10 reads this list without `data` and indexes item["id"]
  // (Lab.sync_interfaces_operational); the 2.9 SPEC has no GET here at all. UNCONFIRMED.
  router.get(
    '/labs/:id/interfaces',
    route('labs.interfaces', (req, res, caller) => {
      const lab = accessibleLab(state, req, caller);
      const all = interfacesWithNodes(lab);
      res.json(
        booleanQuery(req, 'data') === false
          ? all.map(({ iface }) => iface.id)
          : all.map(({ node, iface }) => interfaceView(lab, node, iface, { operational: true })),
      );
    }),
  );

  router.get(
    '/labs/:id/interfaces/:interfaceId',
    route('labs.interfaces', (req, res, caller) => {
      const lab = accessibleLab(state, req, caller);
      const found = interfacesWithNodes(lab).find(({ iface }) => iface.id === String(req.params.interfaceId));
      if (!found) {
        throw new CmlHttpError(404, `Interface not found: ${String(req.params.interfaceId)}`);
      }
      res.json(interfaceView(lab, found.node, found.iface));
    }),
  );

  router.get(
    '/labs/:id/links',
    route('labs.links', (req, res, caller) => {
      const lab = accessibleLab(state, req, caller);
      res.json(
        booleanQuery(req, 'data') === true
          ? lab.links.map((l) => linkView(lab, l))
          : lab.links.map((l) => l.id),
      );
    }),
  );

  router.get(
    '/labs/:id/links/:linkId',
    route('labs.link', (req, res, caller) => {
      const lab = accessibleLab(state, req, caller);
      res.json(linkView(lab, findLink(lab, String(req.params.linkId))));
    }),
  );

  // What Lab.sync(topology_only=False) reads besides the topology: statistics, layer 3 addresses, resource pools.
  router.get(
    '/labs/:id/simulation_stats',
    route('labs.simulation_stats', (req, res, caller) => {
      res.json(simulationStatsView(accessibleLab(state, req, caller)));
    }),
  );

  router.get(
    '/labs/:id/layer3_addresses',
    route('labs.layer3_addresses', (req, res, caller) => {
      accessibleLab(state, req, caller);
      // Nothing is discovered on simulated nodes (CML answers {} for a lab without known addresses).
      res.json({});
    }),
  );

  router.get(
    '/labs/:id/resource_pools',
    route('labs.resource_pools', (req, res, caller) => {
      accessibleLab(state, req, caller);
      res.json([]);
    }),
  );

  router.get(
    '/resource_pools',
    route('resource_pools', (_req, res) => {
      res.json([]);
    }),
  );
}
