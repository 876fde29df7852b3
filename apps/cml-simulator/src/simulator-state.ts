import {
  parseAdminRequest,
  PatchLabRequest,
  patchLabSchema,
  SeedLabsRequest,
  seedLabsSchema,
} from './admin-request-schemas';
import { CmlHttpError } from './cml-http-error';
import { FaultRegistry } from './fault-registry';
import { LabStore } from './lab-store';
import { RequestStats, RequestStatsSnapshot } from './request-stats';
import { ActiveFault, FaultSpec } from './simulated-fault';
import { LabView } from './simulated-lab';
import { SimulatorUser } from './simulator-user';
import { TokenIssuer } from './token-issuer';
import { KnownUser, UserDirectory } from './user-directory';

/**
 * Everything one simulator knows, and the control operations of the /_sim API as methods so in-process tests can
 * drive it without HTTP. Inputs are validated the same way for both callers.
 */
export class SimulatorState {
  readonly users: UserDirectory;
  readonly labs: LabStore;
  readonly faults = new FaultRegistry();
  readonly requestStats = new RequestStats();
  readonly tokens: TokenIssuer;
  private seeded = 0;

  constructor(users: readonly SimulatorUser[], tokenTtlSeconds: number) {
    this.users = new UserDirectory(users);
    this.labs = new LabStore(this.users);
    this.tokens = new TokenIssuer(tokenTtlSeconds);
  }

  /** Creates `count` labs and returns their ids in creation order. */
  seedLabs(request: SeedLabsRequest): string[] {
    const valid = parseAdminRequest(seedLabsSchema, request, 'seed request');
    const owner = valid.owner === undefined ? this.users.defaultOwner() : this.requireUser(valid.owner);
    const nodeCount = valid.nodeCount ?? 2;
    const ids: string[] = [];
    for (let i = 0; i < valid.count; i++) {
      this.seeded += 1;
      const lab = this.labs.create({
        title: `${valid.titlePrefix ?? 'Seeded lab'} ${this.seeded}`,
        description: 'Seeded by cml-simulator',
        ownerId: owner.id,
        state: valid.state,
        nodeCount,
        // A chain of nodes: the simplest topology with a plausible link count.
        linkCount: Math.max(0, nodeCount - 1),
      });
      ids.push(lab.id);
    }
    return ids;
  }

  listLabs(): LabView[] {
    return this.labs.all().map((lab) => this.labs.view(lab));
  }

  /** Deletes a lab in any state, as if someone removed it on the controller directly. False if unknown. */
  deleteLab(id: string): boolean {
    return this.labs.forceDelete(id);
  }

  /** Changes a lab as if edited on the controller directly; bumps `modified`. */
  patchLab(id: string, patch: PatchLabRequest): LabView {
    const valid = parseAdminRequest(patchLabSchema, patch, 'lab patch');
    const lab = this.labs.get(id);
    const owner = valid.owner === undefined ? undefined : this.requireUser(valid.owner);
    lab.title = valid.lab_title ?? lab.title;
    lab.description = valid.lab_description ?? lab.description;
    lab.notes = valid.lab_notes ?? lab.notes;
    lab.state = valid.state ?? lab.state;
    lab.ownerId = owner?.id ?? lab.ownerId;
    lab.nodeCount = valid.node_count ?? lab.nodeCount;
    lab.linkCount = valid.link_count ?? lab.linkCount;
    lab.groups = valid.groups ?? lab.groups;
    this.labs.touch(lab);
    return this.labs.view(lab);
  }

  addFault(spec: FaultSpec): string {
    return this.faults.add(spec);
  }

  listFaults(): ActiveFault[] {
    return this.faults.list();
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** Every token issued so far answers 401 from now on; logging in again works. */
  expireTokens(): void {
    this.tokens.expireAll();
  }

  stats(): RequestStatsSnapshot {
    return this.requestStats.snapshot();
  }

  resetStats(): void {
    this.requestStats.reset();
  }

  /** Back to an empty controller: no labs, no faults, no counts. Users and issued tokens stay valid. */
  reset(): void {
    this.labs.clear();
    this.faults.clear();
    this.requestStats.reset();
    this.seeded = 0;
  }

  private requireUser(username: string): KnownUser {
    const user = this.users.findByUsername(username);
    if (!user) {
      throw new CmlHttpError(400, `Unknown user: ${username}`);
    }
    return user;
  }
}
