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
  /** Accepted accounts; default DEFAULT_SIMULATOR_USERS (admin / admin-password). */
  users?: SimulatorUser[];
  /** Lifetime of issued JWTs; default 3600. */
  tokenTtlSeconds?: number;
  /** Fixed delay added to every public API request, for benchmarks; default 0. */
  latencyMs?: number;
  /** Number of labs owned by the default owner to create at start; default 0. */
  seedLabs?: number;
}
