import { load } from 'js-yaml';
import { CmlHttpError } from './cml-http-error';

/** The parts of a CML topology file the simulator keeps: lab metadata and how many nodes and links it has. */
export interface ImportedTopology {
  title: string;
  description: string;
  notes: string;
  nodeCount: number;
  linkCount: number;
}

/** CML names untitled imports after the import date; a fixed prefix keeps tests deterministic enough. */
const UNTITLED_PREFIX = 'Imported lab';

/**
 * Reads a CML topology (`lab: {title, description, notes}`, `nodes: [...]`, `links: [...]`), given either as YAML
 * text or as an already parsed document (a JSON object body). `titleOverride` is the `?title=` query parameter,
 * which wins over the file's title as it does on CML.
 */
export function importTopology(source: unknown, titleOverride?: string): ImportedTopology {
  const document = typeof source === 'string' ? parseYaml(source) : source;
  if (!isRecord(document)) {
    throw new CmlHttpError(400, 'Invalid topology: expected a YAML mapping with lab, nodes and links');
  }
  const lab = document.lab ?? {};
  if (!isRecord(lab)) {
    throw new CmlHttpError(400, 'Invalid topology: lab must be a mapping');
  }
  const nodes = document.nodes ?? [];
  const links = document.links ?? [];
  if (!Array.isArray(nodes) || !Array.isArray(links)) {
    throw new CmlHttpError(400, 'Invalid topology: nodes and links must be lists');
  }
  return {
    title: titleOverride || stringOr(lab.title, `${UNTITLED_PREFIX} ${new Date().toISOString()}`),
    description: stringOr(lab.description, ''),
    notes: stringOr(lab.notes, ''),
    nodeCount: nodes.length,
    linkCount: links.length,
  };
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
