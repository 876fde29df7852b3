/** Who started a bulk delete: each lab's Phase 1 delete runs as this requester. */
export interface BulkDeleteRequester {
  /** Token subject: the `deletedBy` of every `lab.deleted`. */
  subject: string;
  username?: string;
  isAdmin: boolean;
}

/** How one lab of a job ended, or that it has not yet. */
export type BulkDeleteItemStatus = 'pending' | 'deleted' | 'already_gone' | 'failed';

/** Why a lab's Phase 1 delete failed: the HTTP status and the problem detail it would have answered. */
export interface BulkDeleteFailure {
  status: number;
  detail: string;
}

export interface BulkDeleteItem {
  workerId: string;
  labId: string;
  status: BulkDeleteItemStatus;
  /** Only for `failed`. */
  failure?: BulkDeleteFailure;
}

/** What the Phase 1 delete of one item came to. */
export type BulkDeleteOutcome =
  { kind: 'deleted' } | { kind: 'already_gone' } | ({ kind: 'failed' } & BulkDeleteFailure);

export type BulkDeleteJobStatus = 'running' | 'succeeded' | 'failed';

export interface BulkDeleteJobProps {
  id: string;
  /** The filter as given (BulkDeleteFilter.toJSON), kept for the record. */
  filter: Record<string, unknown>;
  force: boolean;
  requestedBy: BulkDeleteRequester;
  createdAt: Date;
  /** When the last item ended; null while running. */
  finishedAt: Date | null;
  items: BulkDeleteItem[];
}

/** An item still to delete, with its place in the job (what a progress write names). */
export interface PendingBulkDeleteItem {
  index: number;
  workerId: string;
  labId: string;
}

/**
 * A bulk delete: the labs a filter selected when it started, each deleted through Phase 1, and
 * how each ended.
 *
 * Status rule: `running` while any item is pending (items that failed already are listed all the
 * same); once every item has ended, `succeeded` when each was deleted or was already gone, and
 * `failed` when at least one failed. A partial job is therefore `failed`: the labs that could be
 * deleted are deleted (nothing is rolled back, a delete cannot be), and `failed` names every lab
 * that is left, with why, so the same filter can be run again for exactly those.
 */
export class BulkDeleteJob {
  private constructor(private readonly props: BulkDeleteJobProps) {}

  static start(input: {
    id: string;
    filter: Record<string, unknown>;
    force: boolean;
    requestedBy: BulkDeleteRequester;
    labs: readonly { workerId: string; labId: string }[];
    now: Date;
  }): BulkDeleteJob {
    const items = input.labs.map(({ workerId, labId }) => ({ workerId, labId, status: 'pending' as const }));
    return new BulkDeleteJob({
      id: input.id,
      filter: structuredClone(input.filter),
      force: input.force,
      requestedBy: { ...input.requestedBy },
      createdAt: input.now,
      // A job of no labs has nothing left to do.
      finishedAt: items.length === 0 ? input.now : null,
      items,
    });
  }

  static restore(props: BulkDeleteJobProps): BulkDeleteJob {
    return new BulkDeleteJob(structuredClone(props));
  }

  get id(): string {
    return this.props.id;
  }

  get force(): boolean {
    return this.props.force;
  }

  get requestedBy(): BulkDeleteRequester {
    return { ...this.props.requestedBy };
  }

  get total(): number {
    return this.props.items.length;
  }

  /** Items that have ended, whichever way (deleted, already gone or failed). */
  get done(): number {
    return this.props.items.filter((i) => i.status !== 'pending').length;
  }

  get status(): BulkDeleteJobStatus {
    const items = this.props.items;
    if (items.some((i) => i.status === 'pending')) return 'running';
    return items.some((i) => i.status === 'failed') ? 'failed' : 'succeeded';
  }

  get finishedAt(): Date | null {
    return this.props.finishedAt;
  }

  /** The failed items so far, in job order. */
  get failed(): (BulkDeleteFailure & { workerId: string; labId: string })[] {
    return this.props.items
      .filter((i) => i.status === 'failed')
      .map((i) => ({ workerId: i.workerId, labId: i.labId, ...i.failure! }));
  }

  pendingItems(): PendingBulkDeleteItem[] {
    return this.props.items.flatMap((item, index) =>
      item.status === 'pending' ? [{ index, workerId: item.workerId, labId: item.labId }] : [],
    );
  }

  item(index: number): BulkDeleteItem {
    const item = this.props.items[index];
    if (!item) throw new Error(`Bulk delete job ${this.id} has no item ${index}`);
    return { ...item, ...(item.failure ? { failure: { ...item.failure } } : {}) };
  }

  /**
   * Records how an item ended. An item ends once: a second outcome for it is ignored (returns
   * false), so a stale answer cannot turn a deleted lab into a failed one. The job is finished
   * when its last item ends.
   */
  record(index: number, outcome: BulkDeleteOutcome, now: Date): boolean {
    const item = this.props.items[index];
    if (!item) throw new Error(`Bulk delete job ${this.id} has no item ${index}`);
    if (item.status !== 'pending') return false;
    if (outcome.kind === 'failed') {
      item.status = 'failed';
      item.failure = { status: outcome.status, detail: outcome.detail };
    } else {
      item.status = outcome.kind;
    }
    if (this.props.finishedAt === null && this.status !== 'running') this.props.finishedAt = now;
    return true;
  }

  toProps(): BulkDeleteJobProps {
    return structuredClone(this.props);
  }
}
