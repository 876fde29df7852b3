import { ReconcileSummary, ReconciliationRun, ReconciliationStarted, Worker } from '../api/api-types';
import { CliError, OperationFailedError } from '../cli-errors';
import { CommandContext } from '../command-context';
import { plural } from '../output/format';
import { WorkerDirectory } from '../workers/worker-directory';
import { candidatesTable, summaryTable } from './reconcile-summary-table';
import { FailedWorker, failureOf, outcomeOf, workerFailuresText } from './worker-failures';

export interface ReconcileOptions {
  worker: string[];
  preview?: boolean;
}

/**
 * `reconcile`: with `--preview`, a dry run per worker (`POST .../labs/refresh?dryRun=true`: nothing written),
 * its counts and its removal candidates. Without it, named workers are refreshed one after the other
 * (`POST .../labs/refresh`, operator); no `--worker` starts a run of all enabled workers
 * (`POST /api/reconciliations`, admin) and follows it (`GET /api/reconciliations/:id`) until it has finished.
 * A failed summary, or a worker whose request failed, makes it exit 1.
 */
export async function reconcile(ctx: CommandContext, options: ReconcileOptions): Promise<void> {
  const workers = await WorkerDirectory.load(ctx.api);
  if (options.preview || options.worker.length > 0) {
    await refreshEach(ctx, workers, workers.select(options.worker), options.preview === true);
  } else {
    await runAll(ctx, workers);
  }
}

async function refreshEach(
  ctx: CommandContext,
  workers: WorkerDirectory,
  selected: Worker[],
  preview: boolean,
) {
  const progress = ctx.progress();
  const items: ReconcileSummary[] = [];
  const failed: FailedWorker[] = [];
  const verb = preview ? 'Previewing' : 'Reconciling';
  for (const [i, worker] of selected.entries()) {
    progress.update(`${verb} worker ${i + 1}/${selected.length}: ${ctx.safe(worker.name)}`);
    try {
      items.push(
        await ctx.api.post<ReconcileSummary>(`/api/workers/${worker.id}/labs/refresh`, {
          query: { dryRun: preview ? true : undefined },
        }),
      );
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      failed.push(failureOf(worker, error));
    }
  }
  progress.stop();
  const nameOf = (id: string) => workers.nameOf(id);
  ctx.print({ items, failures: failed.map((f) => f.failure) }, () => {
    if (selected.length === 0) return 'No workers.\n';
    const parts: string[] = [];
    if (items.length > 0) parts.push(summaryTable(items, nameOf, ctx.style, preview));
    const candidates = candidatesTable(items, nameOf, ctx.style);
    if (candidates !== '') parts.push(`\nRemoval candidates:\n${candidates}`);
    // An API that reports candidates and found none says so; one without the field (before v1.2) says nothing.
    else if (items.length > 0 && items.every((s) => s.candidates !== undefined))
      parts.push('\nNo removal candidates.\n');
    return parts.join('');
  });
  if (failed.length > 0) {
    if (selected.length > 1) ctx.note(workerFailuresText(failed));
    throw outcomeOf(failed, selected.length);
  }
  const failedSummaries = items.filter((s) => s.status === 'failed');
  if (failedSummaries.length > 0) {
    throw new OperationFailedError(`${plural(failedSummaries.length, 'worker')} failed to reconcile`);
  }
}

async function runAll(ctx: CommandContext, workers: WorkerDirectory) {
  const enabled = workers.all.filter((w) => w.enabled).length;
  const { reconciliationId } = await ctx.api.post<ReconciliationStarted>('/api/reconciliations');
  ctx.note(`Started reconciliation ${reconciliationId}`);
  const run = await ctx.follow(
    'Reconciling',
    () => ctx.api.get<ReconciliationRun>(`/api/reconciliations/${reconciliationId}`),
    (r) => r.finishedAt !== null || (r.status !== undefined && r.status !== 'running'),
    (r) => `${r.workersDone ?? r.workers.length}/${r.workersTotal ?? enabled} workers done`,
  );
  ctx.print(run, () =>
    run.workers.length === 0
      ? 'No enabled workers to reconcile.\n'
      : summaryTable(run.workers, (id) => workers.nameOf(id), ctx.style, false),
  );
  const failed = run.workers.filter((s) => s.status === 'failed');
  if (run.status === 'failed' || failed.length > 0) {
    throw new OperationFailedError(
      `Reconciliation ${reconciliationId} failed${failed.length > 0 ? ` for ${plural(failed.length, 'worker')}` : ''}`,
    );
  }
}
