import type * as Api from '../../../web/src/api/types';

/*
 * What the CLI reads from the API. The shapes the API's OpenAPI document has are the console's, generated
 * from that document (`npm run web:api-types`), never written twice. The v1.2 operator features of the
 * contract the document does not have yet (candidates, run progress, removed records) are written here as the
 * contract states them, and optional, so the CLI works against an API with or without them.
 */
export type {
  DeleteResult,
  NotificationItem,
  NotificationItemList,
  OutboxItem,
  Worker,
} from '../../../web/src/api/types';
export { LAB_STATES } from '../../../web/src/api/types';
export type LabState = Api.LabState;

export interface OutboxItemList {
  items: Api.OutboxItem[];
}

/** A lab; with `removed=true` also when and how its record was removed. */
export type Lab = Api.Lab & {
  removedAt?: string;
  removal?: 'deleted' | 'orphan_removed';
  deletedBy?: string;
};

/** One record that was a removal candidate in a reconciliation, and what was decided about it. */
export interface ReconcileCandidate {
  labId: string;
  title: string;
  owner: string;
  decision: 'remove' | 'hold' | 'keep';
  why: string;
}

export type ReconcileSummary = Api.ReconcileSummary & { candidates?: ReconcileCandidate[] };

export type ReconciliationRun = Omit<Api.ReconciliationRun, 'workers'> & {
  workers: ReconcileSummary[];
  status?: 'running' | 'succeeded' | 'failed';
  workersTotal?: number;
  workersDone?: number;
};

export interface ReconciliationStarted {
  reconciliationId: string;
}

export type BulkDeleteFilter = Api.BulkDeleteFilter;
export type BulkDeleteRequest = Api.BulkDeleteRequest;
export type BulkDeletePreview = Api.BulkDeletePreview;
export type BulkDeleteJob = Api.Job;

export interface BulkDeleteStarted {
  jobId: string;
}
