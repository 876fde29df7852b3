import { randomUUID } from 'node:crypto';
import { CmlHttpError } from './cml-http-error';
import {
  ACTIVE_NODE_STATES,
  LabState,
  NodeState,
  SimulatedInterface,
  SimulatedLab,
  SimulatedLink,
  SimulatedNode,
} from './simulated-lab';

/** The topology fields of a new node; everything but label and node definition has CML's defaults. */
export interface NodeFields {
  label: string;
  nodeDefinition: string;
  x?: number;
  y?: number;
  imageDefinition?: string | null;
  ram?: number | null;
  cpus?: number | null;
  cpuLimit?: number | null;
  dataVolume?: number | null;
  bootDiskSize?: number | null;
  hideLinks?: boolean;
  tags?: string[];
  configuration?: unknown;
  parameters?: Record<string, unknown>;
}

/** Node definition and interface names of the nodes the simulator makes up for seeded labs. */
const SEED_NODE_DEFINITION = 'iosv';
const SEED_INTERFACE_PREFIX = 'GigabitEthernet0/';

export function newNode(fields: NodeFields, state: NodeState): SimulatedNode {
  return {
    id: randomUUID(),
    label: fields.label,
    x: fields.x ?? 0,
    y: fields.y ?? 0,
    nodeDefinition: fields.nodeDefinition,
    imageDefinition: fields.imageDefinition ?? null,
    ram: fields.ram ?? null,
    cpus: fields.cpus ?? null,
    cpuLimit: fields.cpuLimit ?? null,
    dataVolume: fields.dataVolume ?? null,
    bootDiskSize: fields.bootDiskSize ?? null,
    hideLinks: fields.hideLinks ?? false,
    tags: fields.tags ?? [],
    configuration: fields.configuration ?? null,
    parameters: fields.parameters ?? {},
    state,
    interfaces: [],
  };
}

/** Adds an interface to a node; without a slot it takes the next free one. */
export function addInterface(
  node: SimulatedNode,
  fields: {
    label?: string;
    slot?: number | null;
    type?: 'physical' | 'loopback';
    macAddress?: string | null;
  } = {},
): SimulatedInterface {
  const type = fields.type ?? 'physical';
  const usedSlots = node.interfaces.map((i) => i.slot ?? -1);
  const slot =
    fields.slot !== undefined ? fields.slot : type === 'loopback' ? null : Math.max(-1, ...usedSlots) + 1;
  const iface: SimulatedInterface = {
    id: randomUUID(),
    nodeId: node.id,
    label: fields.label ?? (type === 'loopback' ? `Loopback${node.interfaces.length}` : `eth${slot ?? 0}`),
    slot,
    type,
    macAddress: fields.macAddress ?? null,
  };
  node.interfaces.push(iface);
  return iface;
}

export function connect(
  a: SimulatedNode,
  b: SimulatedNode,
  ifaceA?: SimulatedInterface,
  ifaceB?: SimulatedInterface,
  label?: string,
): SimulatedLink {
  const interfaceA = ifaceA ?? addInterface(a, seedInterfaceFields(a));
  const interfaceB = ifaceB ?? addInterface(b, seedInterfaceFields(b));
  return {
    id: randomUUID(),
    label: label ?? `${a.label}-${interfaceA.label}<->${b.label}-${interfaceB.label}`,
    interfaceA: interfaceA.id,
    interfaceB: interfaceB.id,
    nodeA: a.id,
    nodeB: b.id,
  };
}

function seedInterfaceFields(node: SimulatedNode): { label?: string } {
  if (node.nodeDefinition !== SEED_NODE_DEFINITION) {
    return {};
  }
  const slot = node.interfaces.length;
  return { label: `${SEED_INTERFACE_PREFIX}${slot}` };
}

/** The node state that matches a lab state when a lab is set to it at once (seeding, /_sim PATCH). */
export function nodeStateFor(state: LabState): NodeState {
  return state === 'STARTED' ? 'BOOTED' : state;
}

/**
 * Makes `nodeCount` nodes and `linkCount` links for a seeded (or resized) lab: link i joins node i and node i+1
 * (round robin), so `nodeCount - 1` links make a chain. Links need two nodes.
 */
export function resizeTopology(
  lab: SimulatedLab,
  nodeCount: number,
  linkCount: number,
  state: NodeState,
): void {
  resizeNodes(lab, nodeCount, state);
  resizeLinks(lab, linkCount);
}

/** Adds made-up nodes in `state`, or removes nodes from the end together with their links. */
export function resizeNodes(lab: SimulatedLab, nodeCount: number, state: NodeState): void {
  while (lab.nodes.length > nodeCount) {
    const removed = lab.nodes.pop()!;
    const gone = lab.links.filter((l) => l.nodeA === removed.id || l.nodeB === removed.id);
    for (const link of gone) {
      removeLink(lab, link);
    }
  }
  while (lab.nodes.length < nodeCount) {
    const index = lab.nodes.length;
    lab.nodes.push(
      newNode(
        {
          label: `${SEED_NODE_DEFINITION}-${index}`,
          nodeDefinition: SEED_NODE_DEFINITION,
          x: index * 200,
          y: 0,
        },
        state,
      ),
    );
  }
}

/** Adds links round robin between the nodes (each with two new interfaces), or removes links from the end. */
export function resizeLinks(lab: SimulatedLab, linkCount: number): void {
  if (linkCount > 0 && lab.nodes.length < 2) {
    throw new CmlHttpError(400, 'Invalid lab: links need at least 2 nodes');
  }
  while (lab.links.length > linkCount) {
    removeLink(lab, lab.links[lab.links.length - 1]);
  }
  while (lab.links.length < linkCount) {
    const i = lab.links.length;
    const a = lab.nodes[i % lab.nodes.length];
    const b = lab.nodes[(i + 1) % lab.nodes.length];
    lab.links.push(connect(a, b));
  }
}

function removeLink(lab: SimulatedLab, link: SimulatedLink): void {
  lab.links = lab.links.filter((l) => l !== link);
  for (const node of lab.nodes) {
    node.interfaces = node.interfaces.filter((i) => i.id !== link.interfaceA && i.id !== link.interfaceB);
  }
}

export function findNode(lab: SimulatedLab, nodeId: string): SimulatedNode {
  const node = lab.nodes.find((n) => n.id === nodeId);
  if (!node) {
    // The wording virl2-client matches to mark a node stale (utils._check_and_mark_stale).
    throw new CmlHttpError(404, `Node not found: ${nodeId}`);
  }
  return node;
}

export function findLink(lab: SimulatedLab, linkId: string): SimulatedLink {
  const link = lab.links.find((l) => l.id === linkId);
  if (!link) {
    throw new CmlHttpError(404, `Link not found: ${linkId}`);
  }
  return link;
}

export function allInterfaces(lab: SimulatedLab): SimulatedInterface[] {
  return lab.nodes.flatMap((n) => n.interfaces);
}

/** Interfaces are up while their node runs, defined while it is, stopped otherwise. */
export function interfaceState(node: SimulatedNode): LabState {
  if (ACTIVE_NODE_STATES.includes(node.state)) {
    return 'STARTED';
  }
  return node.state === 'DEFINED_ON_CORE' ? 'DEFINED_ON_CORE' : 'STOPPED';
}

/** A link is up when both ends are, defined when both ends are, stopped otherwise. */
export function linkState(lab: SimulatedLab, link: SimulatedLink): LabState {
  const states = [link.nodeA, link.nodeB].map((id) => {
    const node = lab.nodes.find((n) => n.id === id);
    return node ? interfaceState(node) : 'DEFINED_ON_CORE';
  });
  if (states.every((s) => s === 'STARTED')) {
    return 'STARTED';
  }
  return states.every((s) => s === 'DEFINED_ON_CORE') ? 'DEFINED_ON_CORE' : 'STOPPED';
}
