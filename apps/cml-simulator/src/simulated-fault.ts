import { PublicRouteName } from './public-route-name';

/** The misbehaviours a fault can inject; see README.md for what each one answers. */
export const FAULT_KINDS = [
  'latency',
  'error',
  'hang',
  'unauthorized',
  'empty_list',
  'partial_list',
  'not_ready',
  'bad_body',
  'foreign_404',
  'replace_json',
  'merge_json',
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

/** Which body a `bad_body` fault sends: an HTML page (a proxy's error page) or JSON CML never sends. */
export type BadBodyFormat = 'html' | 'json';

/** What a caller asks for at POST /_sim/faults or SimulatorState.addFault. */
export interface FaultSpec {
  route: PublicRouteName | '*';
  kind: FaultKind;
  /** HTTP status for `error` faults; default 500. */
  status?: number;
  /** Delay for `latency` faults. */
  latencyMs?: number;
  /** Apply this many times, then remove the fault; default: until cleared. */
  times?: number;
  /** Restrict a fault on a per-lab route to one lab id. */
  labId?: string;
  /** For `partial_list`: how many ids of the list to keep; default half of them, rounded down. */
  keep?: number;
  /** For `bad_body`: default `json` (`{"unexpected":true}`). */
  body?: BadBodyFormat;
  /**
   * For `replace_json`: the JSON body answered with 200 instead of the real one. For `merge_json`
   * (labs.get only): fields written over the real lab. A hostile or broken CML, for clients to survive.
   */
  json?: unknown;
}

/** A registered fault, as GET /_sim/faults lists it; `remaining` is undefined for faults without `times`. */
export interface ActiveFault extends Omit<FaultSpec, 'times'> {
  id: string;
  remaining?: number;
  applied: number;
}
