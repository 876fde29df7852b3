import type { components } from './schema.gen';

/**
 * The API's shapes, by the names the console uses, from schema.gen.ts: generated from the API's own OpenAPI
 * document (`npm run web:api-types`), never written here.
 */
type Schemas = components['schemas'];
export type Worker = Schemas['Worker'];
export type WorkerPage = Schemas['WorkerPage'];
export type NewWorker = Schemas['CreateWorkerDto'];
export type WorkerPatch = Schemas['UpdateWorkerDto'];
export type ReconcileMode = Worker['reconcileMode'];
export type CmlContact = Schemas['CmlContact'];
export type Lab = Schemas['Lab'];
export type LabPage = Schemas['LabPage'];
export type LabState = Lab['state'];
export type PendingOrphan = Schemas['PendingOrphan'];
export type DeleteResult = Schemas['DeleteResult'];
export type ReconcileSummary = Schemas['ReconcileSummary'];
export type ReconcileCandidate = Schemas['ReconcileCandidate'];
export type ReconciliationRun = Schemas['ReconciliationRun'];
export type OutboxItem = Schemas['OutboxItem'];
export type NotificationItem = Schemas['NotificationItem'];
export type NotificationItemList = Schemas['NotificationItemList'];
export type BulkDeleteRequest = Schemas['BulkDeleteRequestDto'];
export type BulkDeleteFilter = Schemas['BulkDeleteFilterDto'];
export type BulkDeletePreview = Schemas['BulkDeletePreview'];
export type BulkDeletePreviewItem = Schemas['BulkDeletePreviewItem'];
export type Job = Schemas['Job'];

/** In the order the state filter offers them; `satisfies` fails the build when the API's states change. */
export const LAB_STATES = ['DEFINED_ON_CORE', 'STOPPED', 'STARTED'] as const satisfies readonly LabState[];

/*
 * Not in the API's OpenAPI document, so written here: apps/audit (its own service, without a document) and
 * /web-config.json (served by apps/api outside its Nest routes, apps/api/src/web/web-console.ts).
 */

/** One event of apps/audit's `GET /api/audit-events`. */
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

/** A page of `GET /api/audit-events`, newest first; `nextCursor` is null on the last page. */
export interface AuditEventPage {
  items: AuditEvent[];
  nextCursor: string | null;
}

/** The filters of apps/audit's list and export: exact matches; since inclusive, until exclusive (ISO 8601). */
// A type, not an interface: it must fit the query record of the client (an interface has no index signature).
export type AuditEventFilters = {
  workerId?: string;
  labId?: string;
  type?: string;
  owner?: string;
  deletedBy?: string;
  since?: string;
  until?: string;
};

export type AuditExportFormat = 'csv' | 'ndjson';

/** `GET /web-config.json`, served by apps/api. */
export interface WebSettings {
  authDisabled: boolean;
  auth: { issuer: string; clientId?: string } | null;
  auditUrl: string;
  /** Where the API reads roles in a token (AUTH_ROLES_CLAIM), each path a list of property names. */
  roleClaims: string[][];
}

export type Role = 'viewer' | 'operator' | 'admin';
