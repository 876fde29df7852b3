import type { components } from '../../../web/src/api/schema.gen';

/*
 * What the CLI reads from the API. The shapes the API's OpenAPI document has are taken from the console's
 * generated schema (`npm run web:api-types`), never written twice. The v1.2 operator features of the contract
 * (candidates, run progress, removed records, bulk delete) are written here as the contract states them, and
 * optional where an API without them answers without them, so the CLI works against both.
 */
type Schemas = components['schemas'];

export type Worker = Schemas['Worker'];
export type WorkerPage = Schemas['WorkerPage'];
export type DeleteResult = Schemas['DeleteResult'];
export type OutboxItem = Schemas['OutboxItem'];
export type OutboxItemList = Schemas['OutboxItemList'];

export const LAB_STATES = [
  'DEFINED_ON_CORE',
  'STOPPED',
  'STARTED',
] as const satisfies readonly Schemas['Lab']['state'][];
export type LabState = (typeof LAB_STATES)[number];

/** A lab; with `removed=true` also when and how its record was removed. */
export type Lab = Schemas['Lab'] & {
  removedAt?: string;
  removal?: 'deleted' | 'orphan_removed';
  deletedBy?: string;
};

export interface LabPage {
  items: Lab[];
  nextCursor: string | null;
}

/** One record that was a removal candidate in a reconciliation, and what was decided about it. */
export interface ReconcileCandidate {
  labId: string;
  title: string;
  owner: string;
  decision: 'remove' | 'hold' | 'keep';
  why: string;
}

export type ReconcileSummary = Schemas['ReconcileSummary'] & { candidates?: ReconcileCandidate[] };

export type ReconciliationRun = Omit<Schemas['ReconciliationRun'], 'workers'> & {
  workers: ReconcileSummary[];
  status?: 'running' | 'succeeded' | 'failed';
  workersTotal?: number;
  workersDone?: number;
};

export type ReconciliationStarted = Schemas['ReconciliationStarted'];

export interface BulkDeleteFilter {
  workerIds?: string[];
  owner?: string;
  titlePrefix?: string;
  state?: LabState;
  createdBefore?: string;
}

export interface BulkDeleteRequest {
  filter: BulkDeleteFilter;
  force?: boolean;
  dryRun?: boolean;
}

export interface BulkDeletePreview {
  items: { workerId: string; labId: string; title: string; owner: string; state: LabState }[];
  total: number;
}

export interface BulkDeleteStarted {
  jobId: string;
}

export interface BulkDeleteJob {
  id: string;
  kind: 'bulk-delete';
  status: 'running' | 'succeeded' | 'failed';
  total: number;
  done: number;
  failed: { workerId: string; labId: string; status: number | string; detail: string }[];
}
