import { dump } from 'js-yaml';
import { formatCmlTimestamp } from './cml-timestamp';
import { effectivePermissions } from './lab-access';
import { labState } from './lab-lifecycle';
import { allInterfaces, interfaceState, linkState } from './lab-topology';
import {
  ACTIVE_NODE_STATES,
  ALL_LAB_PERMISSIONS,
  LabView,
  SimulatedInterface,
  SimulatedLab,
  SimulatedLink,
  SimulatedNode,
} from './simulated-lab';
import { KnownUser, UserDirectory } from './user-directory';

/** The one compute host of the simulated controller, reported as `compute_id` of running nodes. */
export const SIMULATED_COMPUTE_ID = '5e1a7c0d-0000-4000-8000-00000000c0de';

/** The topology schema version the simulator writes into `lab.version` (CML 2.9 writes 0.3.0). */
export const TOPOLOGY_SCHEMA_VERSION = '0.3.0';

/**
 * GET /labs/{id}. `effective_permissions` are the viewer's; without a viewer (the /_sim API) they are the owner's.
 */
export function labView(lab: SimulatedLab, users: UserDirectory, viewer?: KnownUser): LabView {
  const owner = users.findById(lab.ownerId);
  return {
    id: lab.id,
    state: labState(lab),
    created: formatCmlTimestamp(lab.created),
    modified: formatCmlTimestamp(lab.modified),
    lab_title: lab.title,
    lab_description: lab.description,
    lab_notes: lab.notes,
    owner: lab.ownerId,
    owner_username: owner?.username ?? '',
    owner_fullname: owner?.fullname ?? '',
    node_count: lab.nodes.length,
    link_count: lab.links.length,
    groups: lab.groups.map((g) => ({ ...g, name: users.findGroup(g.id)?.name ?? '' })),
    effective_permissions: viewer ? effectivePermissions(lab, viewer) : [...ALL_LAB_PERMISSIONS],
  };
}

/** One entry of GET /populate_lab_tiles: the lab fields plus a light topology (recorded PCL test data). */
export function labTileView(
  lab: SimulatedLab,
  users: UserDirectory,
  viewer: KnownUser,
): Record<string, unknown> {
  return {
    ...labView(lab, users, viewer),
    topology: {
      nodes: lab.nodes.map((n) => ({
        id: n.id,
        label: n.label,
        x: n.x,
        y: n.y,
        node_definition: n.nodeDefinition,
        image_definition: n.imageDefinition,
        state: n.state,
        cpus: n.cpus,
        cpu_limit: n.cpuLimit,
        ram: n.ram,
        data_volume: n.dataVolume,
        boot_disk_size: n.bootDiskSize,
        tags: [...n.tags],
      })),
      links: lab.links.map((l) => ({
        id: l.id,
        node_a: l.nodeA,
        node_b: l.nodeB,
        interface_a: l.interfaceA,
        interface_b: l.interfaceB,
        label: l.label,
        state: linkState(lab, l),
      })),
      annotations: [],
      smart_annotations: [],
    },
  };
}

export function bootProgress(node: SimulatedNode): string {
  if (node.state === 'BOOTED') {
    return 'Booted';
  }
  return ACTIVE_NODE_STATES.includes(node.state) ? 'Booting' : 'Not running';
}

/** What a node is made of, as both the node routes and the topology show it. */
function nodeDefinitionFields(node: SimulatedNode): Record<string, unknown> {
  return {
    label: node.label,
    x: node.x,
    y: node.y,
    node_definition: node.nodeDefinition,
    image_definition: node.imageDefinition,
    ram: node.ram,
    cpus: node.cpus,
    cpu_limit: node.cpuLimit,
    data_volume: node.dataVolume,
    boot_disk_size: node.bootDiskSize,
    hide_links: node.hideLinks,
    tags: [...node.tags],
    parameters: { ...node.parameters },
  };
}

/** A node of GET /labs/{id}/nodes?data=true and GET /labs/{id}/nodes/{node_id} (SPEC `Node`). */
export function nodeView(
  lab: SimulatedLab,
  node: SimulatedNode,
  opts: { excludeConfigurations?: boolean; operational?: boolean } = {},
): Record<string, unknown> {
  const running = ACTIVE_NODE_STATES.includes(node.state);
  const operational = {
    compute_id: running ? SIMULATED_COMPUTE_ID : null,
    image_definition: node.imageDefinition,
    vnc_key: null,
    serial_consoles: [],
    resource_pool: null,
    iol_app_id: null,
    cpus: node.cpus,
    cpu_limit: node.cpuLimit,
    ram: node.ram,
    data_volume: node.dataVolume,
    boot_disk_size: node.bootDiskSize,
  };
  const view: Record<string, unknown> = {
    id: node.id,
    lab_id: lab.id,
    ...nodeDefinitionFields(node),
    state: node.state,
    boot_progress: bootProgress(node),
    compute_id: operational.compute_id,
    resource_pool: null,
    pinned_compute_id: null,
    vnc_key: null,
    serial_consoles: [],
    iol_app_id: null,
  };
  if (!opts.excludeConfigurations) {
    view.configuration = node.configuration;
  }
  if (opts.operational) {
    view.operational = operational;
  }
  return view;
}

export function interfaceView(
  lab: SimulatedLab,
  node: SimulatedNode,
  iface: SimulatedInterface,
  opts: { operational?: boolean } = {},
): Record<string, unknown> {
  const view: Record<string, unknown> = {
    id: iface.id,
    lab_id: lab.id,
    node: node.id,
    label: iface.label,
    slot: iface.slot,
    type: iface.type,
    mac_address: iface.macAddress,
    is_connected: lab.links.some((l) => l.interfaceA === iface.id || l.interfaceB === iface.id),
    state: interfaceState(node),
  };
  if (opts.operational) {
    view.operational = {
      device_name: null,
      mac_address: iface.macAddress,
      src_udp_port: null,
      dst_udp_port: null,
    };
  }
  return view;
}

/** GET /labs/{id}/simulation_stats: counters per node and link (all zero: simulated nodes move no traffic). */
export function simulationStatsView(
  lab: SimulatedLab,
): Record<string, Record<string, Record<string, number>>> {
  return {
    nodes: Object.fromEntries(
      lab.nodes.map((n) => [n.id, { cpu_usage: 0, block0_rd_bytes: 0, block0_wr_bytes: 0 }]),
    ),
    links: Object.fromEntries(
      lab.links.map((l) => [
        l.id,
        { readbytes: 0, readpackets: 0, writebytes: 0, writepackets: 0, drops: 0 },
      ]),
    ),
  };
}

export function linkView(lab: SimulatedLab, link: SimulatedLink): Record<string, unknown> {
  return {
    id: link.id,
    lab_id: lab.id,
    label: link.label,
    state: linkState(lab, link),
    interface_a: link.interfaceA,
    interface_b: link.interfaceB,
    node_a: link.nodeA,
    node_b: link.nodeB,
    link_capture_key: '',
  };
}

/**
 * GET /labs/{id}/topology (SPEC `TopologyResponse`), what virl2-client joins and syncs from: uuids everywhere,
 * interfaces inside their nodes, links by `interface_a`/`interface_b`.
 */
export function topologyView(
  lab: SimulatedLab,
  opts: { excludeConfigurations?: boolean } = {},
): Record<string, unknown> {
  return {
    lab: {
      version: TOPOLOGY_SCHEMA_VERSION,
      title: lab.title,
      description: lab.description,
      notes: lab.notes,
      owner: lab.ownerId,
    },
    nodes: lab.nodes.map((node) => {
      const view: Record<string, unknown> = {
        id: node.id,
        ...nodeDefinitionFields(node),
        interfaces: node.interfaces.map((i) => ({
          id: i.id,
          label: i.label,
          slot: i.slot,
          type: i.type,
          mac_address: i.macAddress,
        })),
      };
      if (!opts.excludeConfigurations) {
        view.configuration = node.configuration;
      }
      return view;
    }),
    links: lab.links.map((l) => ({
      id: l.id,
      lab_id: lab.id,
      label: l.label,
      interface_a: l.interfaceA,
      interface_b: l.interfaceB,
      node_a: l.nodeA,
      node_b: l.nodeB,
    })),
    annotations: [],
    smart_annotations: [],
  };
}

/** GET /labs/{id}/lab_element_state: the state of every node, link and interface by id. */
export function elementStateView(lab: SimulatedLab): Record<string, Record<string, string>> {
  const nodes: Record<string, string> = {};
  const interfaces: Record<string, string> = {};
  const links: Record<string, string> = {};
  for (const node of lab.nodes) {
    nodes[node.id] = node.state;
    for (const iface of node.interfaces) {
      interfaces[iface.id] = interfaceState(node);
    }
  }
  for (const link of lab.links) {
    links[link.id] = linkState(lab, link);
  }
  return { nodes, links, interfaces };
}

/**
 * GET /labs/{id}/download: the lab as a CML topology file (YAML), with file-local ids (`n0`, `i0` per node, `l0`)
 * and links by `n1`/`i1`/`n2`/`i2`, the format POST /import reads back.
 */
export function downloadYaml(lab: SimulatedLab): string {
  const nodeIds = new Map<string, string>();
  const ifaceIds = new Map<string, string>();
  lab.nodes.forEach((node, n) => {
    nodeIds.set(node.id, `n${n}`);
    node.interfaces.forEach((iface, i) => ifaceIds.set(iface.id, `i${i}`));
  });
  const document = {
    lab: {
      title: lab.title,
      description: lab.description,
      notes: lab.notes,
      version: TOPOLOGY_SCHEMA_VERSION,
    },
    nodes: lab.nodes.map((node) => ({
      id: nodeIds.get(node.id),
      ...nodeDefinitionFields(node),
      configuration: node.configuration,
      interfaces: node.interfaces.map((iface) => ({
        id: ifaceIds.get(iface.id),
        label: iface.label,
        ...(iface.slot === null ? {} : { slot: iface.slot }),
        type: iface.type,
      })),
    })),
    links: lab.links.map((link, l) => ({
      id: `l${l}`,
      n1: nodeIds.get(link.nodeA),
      n2: nodeIds.get(link.nodeB),
      i1: ifaceIds.get(link.interfaceA),
      i2: ifaceIds.get(link.interfaceB),
      label: link.label,
    })),
    annotations: [],
  };
  return dump(document, { lineWidth: -1, noRefs: true });
}

/** Every interface of the lab with the node it belongs to, in node order. */
export function interfacesWithNodes(lab: SimulatedLab): { node: SimulatedNode; iface: SimulatedInterface }[] {
  const byNode = new Map(lab.nodes.map((n) => [n.id, n]));
  return allInterfaces(lab).map((iface) => ({ node: byNode.get(iface.nodeId)!, iface }));
}
