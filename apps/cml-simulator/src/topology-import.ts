import { load } from 'js-yaml';
import { CmlHttpError } from './cml-http-error';
import { addInterface, connect, newNode } from './lab-topology';
import { SimulatedInterface, SimulatedLink, SimulatedNode } from './simulated-lab';

/** A parsed CML topology: lab metadata plus nodes, interfaces and links with fresh uuids. */
export interface ImportedTopology {
  title: string;
  description: string;
  notes: string;
  nodes: SimulatedNode[];
  links: SimulatedLink[];
}

/** CML names untitled imports after the import date; a fixed prefix keeps tests deterministic enough. */
const UNTITLED_PREFIX = 'Imported lab';

/**
 * Reads a CML topology file (`lab: {title, description, notes}`, `nodes: [{id, label, node_definition, x, y,
 * interfaces: [{id, label, slot, type}], ...}]`, `links: [{id, n1, n2, i1, i2, label}]`). The body is parsed as
 * YAML whatever its Content-Type (JSON is YAML too); a YAML/JSON string holding the document is unwrapped once,
 * and an already parsed document is taken as is. File-local ids (`n0`, `i0`, `l0`) are replaced by uuids, as CML
 * does. A link without `i1`/`i2` gets a new interface on that node. `titleOverride` is the `?title=` query
 * parameter, which wins over the file's title as it does on CML.
 */
export function importTopology(source: unknown, titleOverride?: string): ImportedTopology {
  let document = typeof source === 'string' ? parseYaml(source) : source;
  if (typeof document === 'string') {
    document = parseYaml(document);
  }
  if (!isRecord(document)) {
    throw new CmlHttpError(400, 'Invalid topology: expected a YAML mapping with lab, nodes and links');
  }
  const lab = document.lab ?? {};
  if (!isRecord(lab)) {
    throw new CmlHttpError(400, 'Invalid topology: lab must be a mapping');
  }
  const nodesIn = document.nodes ?? [];
  const linksIn = document.links ?? [];
  if (!Array.isArray(nodesIn) || !Array.isArray(linksIn)) {
    throw new CmlHttpError(400, 'Invalid topology: nodes and links must be lists');
  }

  const nodes: SimulatedNode[] = [];
  const byFileId = new Map<string, { node: SimulatedNode; interfaces: Map<string, SimulatedInterface> }>();
  nodesIn.forEach((raw: unknown, index) => {
    if (!isRecord(raw)) {
      throw new CmlHttpError(400, `Invalid topology: node ${index} must be a mapping`);
    }
    const fileId = idOf(raw.id, `n${index}`);
    if (byFileId.has(fileId)) {
      throw new CmlHttpError(400, `Invalid topology: duplicate node id ${fileId}`);
    }
    if (typeof raw.node_definition !== 'string' || raw.node_definition === '') {
      throw new CmlHttpError(400, `Invalid topology: node ${fileId} has no node_definition`);
    }
    const node = newNode(
      {
        label: stringOr(raw.label, fileId),
        nodeDefinition: raw.node_definition,
        x: numberOr(raw.x, 0),
        y: numberOr(raw.y, 0),
        imageDefinition: nullableString(raw.image_definition),
        ram: nullableNumber(raw.ram),
        cpus: nullableNumber(raw.cpus),
        cpuLimit: nullableNumber(raw.cpu_limit),
        dataVolume: nullableNumber(raw.data_volume),
        bootDiskSize: nullableNumber(raw.boot_disk_size),
        hideLinks: raw.hide_links === true,
        tags: Array.isArray(raw.tags) ? raw.tags.map(String) : [],
        configuration: raw.configuration ?? null,
        parameters: isRecord(raw.parameters) ? { ...raw.parameters } : {},
      },
      'DEFINED_ON_CORE',
    );
    const interfaces = new Map<string, SimulatedInterface>();
    const ifacesIn: unknown = raw.interfaces ?? [];
    if (!Array.isArray(ifacesIn)) {
      throw new CmlHttpError(400, `Invalid topology: interfaces of node ${fileId} must be a list`);
    }
    ifacesIn.forEach((rawIface: unknown, i) => {
      if (!isRecord(rawIface)) {
        throw new CmlHttpError(400, `Invalid topology: interface ${i} of node ${fileId} must be a mapping`);
      }
      const ifaceId = idOf(rawIface.id, `i${i}`);
      if (interfaces.has(ifaceId)) {
        throw new CmlHttpError(400, `Invalid topology: duplicate interface id ${ifaceId} on node ${fileId}`);
      }
      const type = rawIface.type === 'loopback' ? 'loopback' : 'physical';
      interfaces.set(
        ifaceId,
        addInterface(node, {
          label: typeof rawIface.label === 'string' ? rawIface.label : undefined,
          slot: typeof rawIface.slot === 'number' ? rawIface.slot : undefined,
          type,
          macAddress: nullableString(rawIface.mac_address),
        }),
      );
    });
    nodes.push(node);
    byFileId.set(fileId, { node, interfaces });
  });

  const links: SimulatedLink[] = linksIn.map((raw: unknown, index) => {
    if (!isRecord(raw)) {
      throw new CmlHttpError(400, `Invalid topology: link ${index} must be a mapping`);
    }
    const fileId = idOf(raw.id, `l${index}`);
    const endA = endpoint(byFileId, fileId, raw.n1, raw.i1);
    const endB = endpoint(byFileId, fileId, raw.n2, raw.i2);
    return connect(
      endA.node,
      endB.node,
      endA.iface,
      endB.iface,
      typeof raw.label === 'string' ? raw.label : undefined,
    );
  });

  return {
    title: titleOverride || stringOr(lab.title, `${UNTITLED_PREFIX} ${new Date().toISOString()}`),
    description: stringOr(lab.description, ''),
    notes: stringOr(lab.notes, ''),
    nodes,
    links,
  };
}

function endpoint(
  byFileId: Map<string, { node: SimulatedNode; interfaces: Map<string, SimulatedInterface> }>,
  linkId: string,
  nodeRef: unknown,
  ifaceRef: unknown,
): { node: SimulatedNode; iface?: SimulatedInterface } {
  const nodeId = idOf(nodeRef, '');
  const entry = byFileId.get(nodeId);
  if (!entry) {
    throw new CmlHttpError(
      400,
      `Invalid topology: link ${linkId} refers to unknown node ${nodeId || '(none)'}`,
    );
  }
  if (ifaceRef === undefined || ifaceRef === null) {
    return { node: entry.node };
  }
  const iface = entry.interfaces.get(idOf(ifaceRef, ''));
  if (!iface) {
    throw new CmlHttpError(
      400,
      `Invalid topology: link ${linkId} refers to unknown interface ${idOf(ifaceRef, '')} of node ${nodeId}`,
    );
  }
  return { node: entry.node, iface };
}

function parseYaml(text: string): unknown {
  if (text.trim() === '') {
    throw new CmlHttpError(400, 'Invalid topology: empty body');
  }
  try {
    return load(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new CmlHttpError(400, `Invalid topology YAML: ${reason}`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function idOf(value: unknown, fallback: string): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : fallback;
}

function stringOr(value: unknown, fallback: string): string {
  // YAML turns titles like `2024` or `yes` into numbers and booleans; CML keeps them as text.
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  return fallback;
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function nullableNumber(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function nullableString(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}
