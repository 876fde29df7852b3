import { Injectable } from '@nestjs/common';
import { WorkerDirectory } from '@app/workers';
import { BulkDeleteFilter } from '../../domain/bulk-delete/bulk-delete-filter';
import { LabState } from '../../domain/lab-state';
import { LabRecordRepository } from '../ports/lab-record.repository';

/** One lab a bulk delete selects, as the dry run lists it. */
export interface BulkDeletePreviewItem {
  workerId: string;
  labId: string;
  title: string;
  owner: string;
  state: LabState;
}

export interface BulkDeleteSelectionResult {
  /** The first `max` selected labs, by worker, then lab id. */
  items: BulkDeletePreviewItem[];
  /** Every selected lab, also those beyond `max`. */
  total: number;
}

/** Records read per round trip: a page, never a worker's whole inventory at once. */
export const SELECTION_PAGE_SIZE = 500;

/**
 * The labs of the local inventory a filter selects. Read per worker (the `{workerId}` equality is
 * the leading field of the records' index, which FerretDB answers from it, patch 0003), a page of
 * live records at a time sorted by lab id, with the state and owner pushed into the query; every
 * record read is judged by `BulkDeleteFilter.matches`, and only the selected ones are kept. So a
 * filter costs one round trip per page of each worker it names (every worker when it names none),
 * and memory for at most `max` items.
 */
@Injectable()
export class BulkDeleteSelection {
  constructor(
    private readonly directory: WorkerDirectory,
    private readonly labs: LabRecordRepository,
  ) {}

  /** @throws NotFoundError for a worker id of the filter that names no worker. */
  async select(filter: BulkDeleteFilter, max: number): Promise<BulkDeleteSelectionResult> {
    const { workerIds, state, owner } = filter.criteria;
    const ids = workerIds
      ? (await Promise.all(workerIds.map((id) => this.directory.require(id)))).map((w) => w.id)
      : (await this.directory.all()).map((w) => w.id).sort();
    const items: BulkDeletePreviewItem[] = [];
    let total = 0;
    for (const workerId of ids) {
      let afterLabId: string | undefined;
      do {
        const page = await this.labs.page(workerId, { state, owner, limit: SELECTION_PAGE_SIZE, afterLabId });
        for (const record of page.items) {
          const p = record.toProps();
          if (!filter.matches(p)) continue;
          total++;
          if (items.length < max)
            items.push({ workerId, labId: p.labId, title: p.title, owner: p.owner, state: p.state });
        }
        afterLabId = page.nextCursor ?? undefined;
      } while (afterLabId);
    }
    return { items, total };
  }
}
