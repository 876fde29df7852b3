import { Lab } from '../api/api-types';
import { allPages } from '../api/pages';
import { CommandContext } from '../command-context';
import { shortTime } from '../output/format';
import { Column, formatTable } from '../output/table';
import { WorkerDirectory } from '../workers/worker-directory';
import { parseLabState } from './lab-state-option';

export interface LabsLsOptions {
  worker: string[];
  owner?: string;
  state?: string;
  removed?: boolean;
}

/**
 * `labs ls`: the labs of the named workers (all workers when none is named), every page, filtered by the API
 * (`state`, `owner`, and `removed=true` for removed records). One JSON document `{items}` for all of them.
 */
export async function labsLs(ctx: CommandContext, options: LabsLsOptions): Promise<void> {
  const state = parseLabState(options.state);
  const workers = await WorkerDirectory.load(ctx.api);
  const selected = workers.select(options.worker);
  const progress = ctx.progress();
  const items: Lab[] = [];
  for (const [i, worker] of selected.entries()) {
    if (selected.length > 1)
      progress.update(`Reading labs: worker ${i + 1}/${selected.length} (${ctx.safe(worker.name)})`);
    items.push(
      ...(await allPages<Lab>(ctx.api, `/api/workers/${worker.id}/labs`, {
        state,
        owner: options.owner,
        removed: options.removed ? true : undefined,
      })),
    );
  }
  progress.stop();
  const columns: Column<Lab>[] = [
    { header: 'WORKER', value: (l) => workers.nameOf(l.workerId) },
    { header: 'LAB ID', value: (l) => l.labId },
    { header: 'TITLE', value: (l) => l.title },
    { header: 'STATE', value: (l) => l.state },
    { header: 'OWNER', value: (l) => l.ownerUsername || l.owner },
    { header: 'NODES', value: (l) => l.nodeCount, numeric: true },
    ...(options.removed
      ? [
          { header: 'REMOVED', value: (l: Lab) => shortTime(l.removedAt) },
          { header: 'HOW', value: (l: Lab) => l.removal },
          { header: 'BY', value: (l: Lab) => l.deletedBy },
        ]
      : [{ header: 'LAST SYNCED', value: (l: Lab) => shortTime(l.lastSyncedAt) }]),
  ];
  ctx.print({ items }, () => (items.length === 0 ? 'No labs.\n' : formatTable(columns, items)));
}
