import {
  AddUserRequest,
  addUserSchema,
  GroupShareRequest,
  parseAdminRequest,
  PatchLabRequest,
  patchLabSchema,
  SeedLabsRequest,
  seedLabsSchema,
  SettingsPatchRequest,
  settingsPatchSchema,
  TimingPatchRequest,
  timingPatchSchema,
} from './admin-request-schemas';
import { CmlHttpError } from './cml-http-error';
import { FaultRegistry } from './fault-registry';
import { LabLifecycle, labState, touchLab, TransitionTiming } from './lab-lifecycle';
import { LabStore } from './lab-store';
import { nodeStateFor, resizeLinks, resizeNodes } from './lab-topology';
import { labView } from './lab-views';
import { RequestStats, RequestStatsSnapshot } from './request-stats';
import { ActiveFault, FaultSpec } from './simulated-fault';
import { LabGroupPermission, LabView, SimulatedLab } from './simulated-lab';
import { SimulatorSettings } from './simulator-settings';
import { SimulatorUser } from './simulator-user';
import { TokenIssuer } from './token-issuer';
import { KnownUser, SimulatorUserSummary, UserDirectory } from './user-directory';

/** What a simulator starts with; reset() goes back to these settings and timings. */
export interface SimulatorStateConfig {
  users: readonly SimulatorUser[];
  tokenTtlSeconds: number;
  settings: SimulatorSettings;
  timing: TransitionTiming;
}

/**
 * Everything one simulator knows, and the control operations of the /_sim API as methods so in-process tests can
 * drive it without HTTP. Inputs are validated the same way for both callers.
 */
export class SimulatorState {
  readonly users: UserDirectory;
  readonly lifecycle: LabLifecycle;
  readonly labs: LabStore;
  readonly faults = new FaultRegistry();
  readonly requestStats = new RequestStats();
  readonly tokens: TokenIssuer;
  private settings: SimulatorSettings;
  private timing: TransitionTiming;
  private seeded = 0;

  constructor(private readonly config: SimulatorStateConfig) {
    this.users = new UserDirectory(config.users);
    this.settings = { ...config.settings };
    this.timing = { ...config.timing };
    this.lifecycle = new LabLifecycle(() => this.timing);
    this.labs = new LabStore(this.lifecycle);
    this.tokens = new TokenIssuer(config.tokenTtlSeconds);
  }

  /** Creates `count` labs and returns their ids in creation order. Labs seeded STARTED have BOOTED nodes at once. */
  seedLabs(request: SeedLabsRequest): string[] {
    const valid = parseAdminRequest(seedLabsSchema, request, 'seed request');
    const owner = valid.owner === undefined ? this.users.defaultOwner() : this.requireUser(valid.owner);
    const nodeCount = valid.nodeCount ?? 2;
    const groups = valid.groups?.map((g) => this.resolveGroup(g)) ?? [];
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
        groups: groups.map((g) => ({ ...g })),
      });
      ids.push(lab.id);
    }
    return ids;
  }

  /** Every lab, as its owner sees it. */
  listLabs(): LabView[] {
    return this.labs.all().map((lab) => this.view(lab));
  }

  /** Deletes a lab in any state, as if someone removed it on the controller directly. False if unknown. */
  deleteLab(id: string): boolean {
    return this.labs.forceDelete(id);
  }

  /**
   * Changes a lab as if edited on the controller directly; bumps `modified`. `state` puts every node into the
   * matching state at once (STARTED: BOOTED), cancelling a pending transition; `node_count`/`link_count` add or
   * remove made-up nodes and links.
   */
  patchLab(id: string, patch: PatchLabRequest): LabView {
    const valid = parseAdminRequest(patchLabSchema, patch, 'lab patch');
    const lab = this.labs.get(id);
    const owner = valid.owner === undefined ? undefined : this.requireUser(valid.owner);
    const nodeCount = valid.node_count ?? lab.nodes.length;
    if (nodeCount < 2 && (valid.link_count ?? 0) > 0) {
      throw new CmlHttpError(400, 'Invalid lab patch: link_count: links need at least 2 nodes');
    }
    const groups = valid.groups?.map((g) => this.resolveGroup(g));
    lab.title = valid.lab_title ?? lab.title;
    lab.description = valid.lab_description ?? lab.description;
    lab.notes = valid.lab_notes ?? lab.notes;
    lab.ownerId = owner?.id ?? lab.ownerId;
    lab.groups = groups ?? lab.groups;
    if (valid.state !== undefined) {
      this.lifecycle.force(lab, valid.state);
    }
    if (valid.node_count !== undefined) {
      resizeNodes(lab, valid.node_count, nodeStateFor(labState(lab)));
    }
    if (valid.link_count !== undefined) {
      resizeLinks(lab, valid.link_count);
    }
    touchLab(lab);
    return this.view(lab);
  }

  /** Adds a user at run time (POST /_sim/users), e.g. a non-admin for a visibility test. */
  addUser(request: AddUserRequest): SimulatorUserSummary {
    const valid = parseAdminRequest(addUserSchema, request, 'user');
    return this.users.summary(this.users.add(valid));
  }

  listUsers(): SimulatorUserSummary[] {
    return this.users.all().map((u) => this.users.summary(u));
  }

  getSettings(): SimulatorSettings {
    return { ...this.settings };
  }

  updateSettings(patch: SettingsPatchRequest): SimulatorSettings {
    const valid = parseAdminRequest(settingsPatchSchema, patch, 'settings');
    this.settings = { ...this.settings, ...definedOnly(valid) };
    return this.getSettings();
  }

  getTiming(): TransitionTiming {
    return { ...this.timing };
  }

  /** Changes the transition times; transitions already pending keep the end time they were given. */
  setTiming(patch: TimingPatchRequest): TransitionTiming {
    const valid = parseAdminRequest(timingPatchSchema, patch, 'timing');
    this.timing = { ...this.timing, ...definedOnly(valid) };
    return this.getTiming();
  }

  /** Arms a fault. The route is checked at run time (400 for an unknown name), as at POST /_sim/faults. */
  addFault(spec: FaultSpec | (Omit<FaultSpec, 'route'> & { route: string })): string {
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

  /** The most requests of each route answered at once since the last stats reset (in-process only). */
  peakInFlight(): Record<string, number> {
    return this.requestStats.peakInFlight();
  }

  resetStats(): void {
    this.requestStats.reset();
  }

  /**
   * Back to an empty controller: no labs, no faults, no counts, and the settings and transition times the
   * simulator started with. Users (including ones added at run time) and issued tokens stay valid.
   */
  reset(): void {
    this.labs.clear();
    this.faults.clear();
    this.requestStats.reset();
    this.settings = { ...this.config.settings };
    this.timing = { ...this.config.timing };
    this.seeded = 0;
  }

  /** A lab as `viewer` sees it (its effective_permissions), or as its owner without a viewer. */
  view(lab: SimulatedLab, viewer?: KnownUser): LabView {
    return labView(lab, this.users, viewer);
  }

  private resolveGroup(share: GroupShareRequest): LabGroupPermission {
    const id = share.id ?? this.users.groupNamed(share.name!).id;
    if (
      share.id !== undefined &&
      share.name !== undefined &&
      this.users.groupNamed(share.name).id !== share.id
    ) {
      throw new CmlHttpError(400, `Invalid group share: group ${share.name} does not have id ${share.id}`);
    }
    return { id, permission: share.permission };
  }

  private requireUser(username: string): KnownUser {
    const user = this.users.findByUsername(username);
    if (!user) {
      throw new CmlHttpError(400, `Unknown user: ${username}`);
    }
    return user;
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
