import { ApiClient } from '../api/api-client';
import { Worker } from '../api/api-types';
import { allPages } from '../api/pages';
import { NotFoundError } from '../cli-errors';

/**
 * The workers as the API lists them, read once per command, and what `--worker <id|name>` names: a worker's
 * id (any case) or its exact name (names are unique: the API answers 409 to a second one).
 */
export class WorkerDirectory {
  private constructor(readonly all: readonly Worker[]) {}

  static async load(api: ApiClient): Promise<WorkerDirectory> {
    return new WorkerDirectory(await allPages<Worker>(api, '/api/workers'));
  }

  /** The workers named, in the order given and each once; all of them when none is named. */
  select(refs: readonly string[]): Worker[] {
    if (refs.length === 0) return [...this.all];
    const chosen = new Map<string, Worker>();
    for (const ref of refs) {
      const worker = this.find(ref);
      if (!worker) throw new NotFoundError(`No worker has the id or name ${JSON.stringify(ref)}`);
      chosen.set(worker.id, worker);
    }
    return [...chosen.values()];
  }

  find(ref: string): Worker | undefined {
    const id = ref.toLowerCase();
    return this.all.find((w) => w.id === id) ?? this.all.find((w) => w.name === ref);
  }

  /** A worker's name for a table, or its id when it is not (or no longer) listed. */
  nameOf(workerId: string): string {
    return this.all.find((w) => w.id === workerId)?.name ?? workerId;
  }
}
