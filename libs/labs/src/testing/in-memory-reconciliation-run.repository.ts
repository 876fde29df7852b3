import {
  ReconciliationRun,
  ReconciliationRunRepository,
} from '../application/ports/reconciliation-run.repository';

/** Derived from the port, so that it follows wherever the summary type is declared. */
type ReconcileSummary = ReconciliationRun['workers'][number];

interface StoredRun {
  id: string;
  trigger: ReconciliationRun['trigger'];
  status: ReconciliationRun['status'];
  workersTotal: number;
  workersDone: number;
  startedAt: Date;
  finishedAt: Date | null;
  workers: ReconcileSummary[];
}

/**
 * ReconciliationRunRepository without a database, as MongoReconciliationRunRepository keeps it:
 * `create` stores a run as running with no summaries, none done and no finish time (whatever the given run says) and
 * refuses a taken id with a duplicate-key error; summaries are appended in the order they come;
 * writes to an unknown run change nothing; `list` is newest first by start time. Times come back
 * as ISO strings, normalised.
 */
export class InMemoryReconciliationRunRepository extends ReconciliationRunRepository {
  private readonly runs = new Map<string, StoredRun>();
  /** When set, every call to `appendSummary` throws this. */
  failAppends: Error | null = null;

  async create(run: ReconciliationRun): Promise<void> {
    if (this.runs.has(run.id)) {
      throw Object.assign(
        new Error(`E11000 duplicate key error collection: reconciliation_runs dup key: ${run.id}`),
        {
          code: 11000,
        },
      );
    }
    this.runs.set(run.id, {
      id: run.id,
      trigger: run.trigger,
      status: 'running',
      workersTotal: run.workersTotal,
      workersDone: 0,
      startedAt: new Date(run.startedAt),
      finishedAt: null,
      workers: [],
    });
  }

  async appendSummary(runId: string, summary: ReconcileSummary): Promise<void> {
    if (this.failAppends) throw this.failAppends;
    const run = this.runs.get(runId);
    if (!run) return;
    run.workers.push(structuredClone(summary));
    run.workersDone++;
  }

  async finish(runId: string, finishedAt: Date, status: 'succeeded' | 'failed'): Promise<void> {
    const run = this.runs.get(runId);
    if (run) Object.assign(run, { finishedAt: new Date(finishedAt), status });
  }

  async list(limit: number): Promise<ReconciliationRun[]> {
    return [...this.runs.values()]
      .sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime())
      .slice(0, limit)
      .map(toRun);
  }

  async get(id: string): Promise<ReconciliationRun | null> {
    const run = this.runs.get(id);
    return run ? toRun(run) : null;
  }
}

function toRun(run: StoredRun): ReconciliationRun {
  return {
    id: run.id,
    trigger: run.trigger,
    status: run.status,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt ? run.finishedAt.toISOString() : null,
    workersTotal: run.workersTotal,
    workersDone: run.workersDone,
    workers: structuredClone(run.workers),
  };
}
