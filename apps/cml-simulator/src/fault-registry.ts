import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { parseAdminRequest } from './admin-request-schemas';
import { CmlHttpError } from './cml-http-error';
import { PUBLIC_ROUTE_NAMES, PublicRouteName } from './public-route-name';
import { ActiveFault, FAULT_KINDS, FaultKind, FaultSpec } from './simulated-fault';

const faultSpecSchema = z.strictObject({
  route: z.enum([...PUBLIC_ROUTE_NAMES, '*']),
  kind: z.enum(FAULT_KINDS),
  status: z.number().int().min(400).max(599).optional(),
  latencyMs: z.number().int().min(0).optional(),
  times: z.number().int().min(1).optional(),
  labId: z.string().min(1).optional(),
  keep: z.number().int().min(0).optional(),
  body: z.enum(['html', 'json']).optional(),
  json: z.unknown().optional(),
});

/** Faults that only make sense on one route; rejecting them elsewhere avoids a fault that silently never fires. */
const ROUTE_BOUND_KINDS: Partial<Record<FaultKind, PublicRouteName>> = {
  empty_list: 'labs.list',
  partial_list: 'labs.list',
  not_ready: 'system_information',
  merge_json: 'labs.get',
};

/**
 * The faults currently armed. Each request asks for the first matching fault of the kinds it can apply at that
 * point; taking a fault counts one application and removes it once its `times` are used up.
 */
export class FaultRegistry {
  private faults: ActiveFault[] = [];

  add(spec: unknown): string {
    const valid: FaultSpec = parseAdminRequest(faultSpecSchema, spec, 'fault');
    const boundRoute = ROUTE_BOUND_KINDS[valid.kind];
    if (boundRoute && valid.route !== boundRoute && valid.route !== '*') {
      throw new CmlHttpError(400, `Invalid fault: kind ${valid.kind} only applies to route ${boundRoute}`);
    }
    if (valid.kind === 'latency' && valid.latencyMs === undefined) {
      throw new CmlHttpError(400, 'Invalid fault: kind latency needs latencyMs');
    }
    if (valid.kind === 'replace_json' && valid.json === undefined) {
      throw new CmlHttpError(400, 'Invalid fault: kind replace_json needs json');
    }
    const mergeable = typeof valid.json === 'object' && valid.json !== null && !Array.isArray(valid.json);
    if (valid.kind === 'merge_json' && !mergeable) {
      throw new CmlHttpError(400, 'Invalid fault: kind merge_json needs json to be an object');
    }
    const { times, ...rest } = valid;
    const fault: ActiveFault = { ...rest, id: randomUUID(), remaining: times, applied: 0 };
    this.faults.push(fault);
    return fault.id;
  }

  list(): ActiveFault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  clear(): void {
    this.faults = [];
  }

  /** Finds the first armed fault for this request among `kinds`, consuming one of its applications. */
  take(
    route: PublicRouteName,
    labId: string | undefined,
    kinds: readonly FaultKind[],
  ): ActiveFault | undefined {
    const fault = this.faults.find(
      (f) =>
        kinds.includes(f.kind) &&
        (f.route === '*' || f.route === route) &&
        (f.labId === undefined || f.labId === labId),
    );
    if (!fault) {
      return undefined;
    }
    fault.applied += 1;
    if (fault.remaining !== undefined) {
      fault.remaining -= 1;
      if (fault.remaining <= 0) {
        this.faults = this.faults.filter((f) => f !== fault);
      }
    }
    return { ...fault };
  }
}
