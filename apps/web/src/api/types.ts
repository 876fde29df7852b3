/** The shapes of ../shared/contract/http-api.md (v1) and of apps/audit's GET /api/audit-events. */
export type ReconcileMode = 'enforce' | 'observe' | 'paused';
export type LabState = 'DEFINED_ON_CORE' | 'STOPPED' | 'STARTED';
export const LAB_STATES: LabState[] = ['DEFINED_ON_CORE', 'STOPPED', 'STARTED'];

export interface ReconcileSummary {
  reconciliationId: string;
  workerId: string;
  trigger: 'manual' | 'scheduled';
  status: 'succeeded' | 'skipped' | 'failed';
  /** enforce wrote what it found; observe and dry-run wrote nothing. */
  mode?: 'enforce' | 'observe' | 'dry-run';
  reason?: string;
  created: number;
  updated: number;
  unchanged: number;
  orphansRemoved: number;
  orphansPending: number;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
}

export interface Worker {
  id: string;
  name: string;
  endpoint: string;
  verifyTls: boolean;
  enabled: boolean;
  reconcileMode: ReconcileMode;
  createdAt: string;
  updatedAt: string;
  lastReconcile: ReconcileSummary | null;
  /** What the last contact with the CML server learned; null before the first one. */
  cml?: { version: string; ready: boolean; accountIsAdmin: boolean | null; checkedAt: string } | null;
}

export interface NewWorker {
  name: string;
  endpoint: string;
  username: string;
  password: string;
  verifyTls?: boolean;
  caCertPem?: string;
}

export type WorkerPatch = Partial<{
  name: string;
  endpoint: string;
  username: string;
  password: string;
  verifyTls: boolean;
  caCertPem: string | null;
  enabled: boolean;
  reconcileMode: ReconcileMode;
}>;

export interface Lab {
  workerId: string;
  labId: string;
  title: string;
  description: string;
  notes: string;
  state: LabState;
  owner: string;
  ownerUsername: string;
  ownerFullname: string;
  nodeCount: number;
  linkCount: number;
  groups: unknown[];
  cmlCreatedAt: string;
  cmlModifiedAt: string;
  firstSeenAt: string;
  lastSyncedAt: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PendingOrphan {
  labId: string;
  title: string;
  owner: string;
  detectedAt: string;
  lastConfirmedAt: string;
}

export interface DeleteResult {
  workerId: string;
  labId: string;
  message: string;
  alreadyAbsentInCml: boolean;
  localRecordRemoved: boolean;
}

export interface ReconciliationRun {
  id: string;
  trigger: 'manual' | 'scheduled';
  startedAt: string;
  finishedAt: string | null;
  workers: ReconcileSummary[];
}

export interface OutboxItem {
  eventId: string;
  type: string;
  workerId: string;
  labId: string;
  sink: string;
  status: 'pending' | 'delivered' | 'dead';
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
}

export interface AuditEvent {
  source: string;
  id: string;
  type: string;
  subject: string | null;
  time: string;
  workerId: string;
  labId: string;
  data: Record<string, unknown>;
  receivedAt: string;
}

/** `GET /web-config.json`, served by apps/api. */
export interface WebSettings {
  authDisabled: boolean;
  auth: { issuer: string; clientId?: string } | null;
  auditUrl: string;
  /** Where the API reads roles in a token (AUTH_ROLES_CLAIM), each path a list of property names. */
  roleClaims: string[][];
}

export type Role = 'viewer' | 'operator' | 'admin';
