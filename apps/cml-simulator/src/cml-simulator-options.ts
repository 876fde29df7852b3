import { ForeignLabStatus } from './lab-access';
import { TlsMaterial } from './self-signed-certificate';
import { SimulatorUser } from './simulator-user';

/** How to start a simulator; every field is optional so tests can call startCmlSimulator() bare. */
export interface CmlSimulatorOptions {
  /** TCP port; 0 (the default) picks a free one, which is what parallel jest workers need. */
  port?: number;
  /** Listen address; default 127.0.0.1. */
  host?: string;
  /** PEM key and certificate; default: a fresh self-signed certificate for 127.0.0.1 and localhost. */
  tls?: TlsMaterial;
  /** More names (or addresses) the generated certificate covers, e.g. a container's service name. */
  tlsHostnames?: string[];
  /** Accepted accounts; default DEFAULT_SIMULATOR_USERS (admin / admin-password). */
  users?: SimulatorUser[];
  /** Lifetime of issued JWTs; default 86400 (24 h, as CML). */
  tokenTtlSeconds?: number;
  /** Fixed delay added to every public API request, for benchmarks; default 0. */
  latencyMs?: number;
  /** Number of labs owned by the default owner to create at start; default 0. */
  seedLabs?: number;
  /** The CML version GET /system_information reports; default "2.9.0". */
  version?: string;
  /** false makes POST /auth_extended answer 404 like an older controller; default true. */
  authExtended?: boolean;
  /** How a non-admin's request for a lab it cannot see is answered; default 404. */
  foreignLabStatus?: ForeignLabStatus;
  /** Time from PUT /labs/{id}/start to all nodes BOOTED; default 300 ms. */
  startMs?: number;
  /** Time from PUT /labs/{id}/stop to all nodes STOPPED; default 300 ms. */
  stopMs?: number;
  /** Time from PUT /labs/{id}/wipe to all nodes DEFINED_ON_CORE; default 150 ms. */
  wipeMs?: number;
}
