import type { CmlRoute } from './cml-route.type';

/** What the error mappers need to know about the request that failed. */
export interface CmlRequestContext {
  workerId: string;
  route: CmlRoute;
  /** True for start/stop/wipe/delete, where CML's 400 means "wrong lab state". */
  stateChanging: boolean;
}
