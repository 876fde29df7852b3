/**
 * Makes kubeconform's JSON schemas offline (scripts/install-deploy-tools.sh runs it), in the layout and with the
 * rules of kubeconform's own schema set (yannh/kubernetes-json-schema, "standalone-strict"):
 *
 * - one file per kind and API version, `<kind>-<group's first label>-<version>.json` (`deployment-apps-v1.json`,
 *   `service-v1.json`, `servicemonitor-monitoring-v1.json`), which the -schema-location template
 *   `{{ .ResourceKind }}{{ .KindSuffix }}.json` finds;
 * - Kubernetes kinds from the API server's OpenAPI v2 document (`x-kubernetes-group-version-kind`), each file
 *   self-contained: the definitions it reaches are copied under `definitions`, so `$ref`s resolve locally;
 *   `apiVersion` and `kind` only take the kind's own values;
 * - custom resources from their CRDs' `openAPIV3Schema`, per served version;
 * - strict: an object schema with `properties` and no `additionalProperties` gets `additionalProperties: false`
 *   (what kubectl's validation does), except under `x-kubernetes-preserve-unknown-fields`; so a misspelt or
 *   misplaced field fails instead of being ignored;
 * - `int-or-string` is a string or an integer, a resource quantity a string or a number, and a field that is not
 *   required may be null (as the API server accepts them).
 *
 * Usage: ts-node scripts/deploy/kubeconform-schemas.ts --openapi swagger.json --crds <dir of CRD YAML> --out <dir>
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';

export type Schema = { [key: string]: unknown };

interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const REF_PREFIX = '#/definitions/';

const isObject = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

/** kubeconform's file name of a kind: `<kind>-<first label of the group>-<version>` (core: `<kind>-<version>`). */
export function schemaFileName({ group, version, kind }: GroupVersionKind): string {
  const groupLabel = group === '' ? '' : `-${group.split('.')[0]}`;
  return `${kind}${groupLabel}-${version}.json`.toLowerCase();
}

/** Strictness, int-or-string and null for what is optional, over a whole schema tree (returns a new tree). */
export function strictSchema(schema: unknown, optional = false, preserveUnknown = false): unknown {
  if (Array.isArray(schema)) return schema.map((s) => strictSchema(s, false, preserveUnknown));
  if (!isObject(schema)) return schema;
  if (schema.format === 'int-or-string') {
    return { oneOf: [{ type: 'string' }, { type: 'integer' }, ...(optional ? [{ type: 'null' }] : [])] };
  }
  const preserve = preserveUnknown || schema['x-kubernetes-preserve-unknown-fields'] === true;
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'properties' && isObject(value)) {
      out.properties = Object.fromEntries(
        Object.entries(value).map(([name, prop]) => [name, strictSchema(prop, !required.has(name), false)]),
      );
    } else if (key === 'definitions' && isObject(value)) {
      out.definitions = Object.fromEntries(
        Object.entries(value).map(([name, def]) => [name, strictSchema(def, false, false)]),
      );
    } else if (key === 'description') {
      // Dropped: a third of the bytes, and kubeconform reports the path, not the description.
    } else {
      out[key] = strictSchema(value, false, preserve && key !== 'items');
    }
  }
  if (isObject(schema.properties) && schema.additionalProperties === undefined && !preserve) {
    out.additionalProperties = false;
  }
  if (optional && typeof out.type === 'string') out.type = [out.type, 'null'];
  return out;
}

function refsOf(schema: unknown, found: Set<string>): Set<string> {
  if (Array.isArray(schema)) schema.forEach((s) => refsOf(s, found));
  else if (isObject(schema)) {
    for (const [key, value] of Object.entries(schema)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith(REF_PREFIX)) {
        found.add(value.slice(REF_PREFIX.length));
      } else refsOf(value, found);
    }
  }
  return found;
}

/** Every definition a definition reaches through `$ref`, itself included. */
function reachable(definitions: Record<string, Schema>, root: string): string[] {
  const seen = new Set<string>();
  const queue = [root];
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (seen.has(name)) continue;
    if (!definitions[name]) throw new Error(`the OpenAPI document has no definition ${name}`);
    seen.add(name);
    for (const ref of refsOf(definitions[name], new Set())) queue.push(ref);
  }
  return [...seen].sort();
}

/** The schemas of the Kubernetes kinds in an OpenAPI v2 document, by file name. */
export function kubernetesSchemas(openapi: { definitions: Record<string, Schema> }): Map<string, Schema> {
  const definitions = { ...openapi.definitions };
  // A quantity is written `cpu: 500m` or `memory: 1` (a YAML number): the API server takes both.
  definitions[QUANTITY] = { oneOf: [{ type: 'string' }, { type: 'number' }] };
  const out = new Map<string, Schema>();
  for (const [name, definition] of Object.entries(definitions)) {
    const gvks = definition['x-kubernetes-group-version-kind'] as GroupVersionKind[] | undefined;
    if (!gvks) continue;
    for (const gvk of gvks) {
      const apiVersion = gvk.group === '' ? gvk.version : `${gvk.group}/${gvk.version}`;
      const properties = isObject(definition.properties) ? { ...definition.properties } : {};
      // Only this kind's own values; a List kind or an option type (DeleteOptions...) has several GVKs.
      if (properties.apiVersion) properties.apiVersion = { type: 'string', enum: [apiVersion] };
      if (properties.kind) properties.kind = { type: 'string', enum: [gvk.kind] };
      const own = { ...definition, properties };
      const deps = reachable(definitions, name).filter((d) => d !== name);
      const schema = strictSchema({
        ...own,
        definitions: Object.fromEntries(deps.map((d) => [d, definitions[d]])),
      }) as Schema;
      const file = schemaFileName(gvk);
      // One kind may be served under several definitions (e.g. a deprecated alias): the first one wins.
      if (!out.has(file)) out.set(file, schema);
    }
  }
  return out;
}

interface CustomResourceDefinition {
  kind?: string;
  spec?: {
    group: string;
    names: { kind: string };
    versions?: { name: string; schema?: { openAPIV3Schema?: Schema } }[];
  };
}

/** The schemas of the custom resources in CRD YAML documents, by file name. */
export function crdSchemas(documents: unknown[]): Map<string, Schema> {
  const out = new Map<string, Schema>();
  for (const doc of documents as CustomResourceDefinition[]) {
    if (doc?.kind !== 'CustomResourceDefinition' || !doc.spec) continue;
    for (const version of doc.spec.versions ?? []) {
      const schema = version.schema?.openAPIV3Schema;
      if (!schema) continue;
      const gvk = { group: doc.spec.group, version: version.name, kind: doc.spec.names.kind };
      const properties = isObject(schema.properties) ? { ...schema.properties } : {};
      properties.apiVersion = { type: 'string', enum: [`${gvk.group}/${gvk.version}`] };
      properties.kind = { type: 'string', enum: [gvk.kind] };
      out.set(schemaFileName(gvk), strictSchema({ ...schema, properties }) as Schema);
    }
  }
  return out;
}

function argument(args: string[], name: string): string {
  const i = args.indexOf(name);
  if (i < 0 || !args[i + 1]) throw new Error(`missing ${name} <path>`);
  return args[i + 1];
}

function main(args: string[]): void {
  const openapi = JSON.parse(readFileSync(argument(args, '--openapi'), 'utf8')) as {
    definitions: Record<string, Schema>;
  };
  const crdDir = argument(args, '--crds');
  const outDir = argument(args, '--out');
  const crdDocs = readdirSync(crdDir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => loadAll(readFileSync(join(crdDir, f), 'utf8')));
  const schemas = new Map([...kubernetesSchemas(openapi), ...crdSchemas(crdDocs)]);
  mkdirSync(outDir, { recursive: true });
  for (const [file, schema] of schemas) writeFileSync(join(outDir, file), JSON.stringify(schema));
  console.error(`[kubeconform-schemas] ${schemas.size} schemas written to ${outDir}`);
}

if (require.main === module) main(process.argv.slice(2));
