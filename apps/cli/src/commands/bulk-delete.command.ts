import {
  BulkDeleteFilter,
  BulkDeleteJob,
  BulkDeletePreview,
  BulkDeleteRequest,
  BulkDeleteStarted,
} from '../api/api-types';
import { OperationFailedError, RefusedError, UsageError } from '../cli-errors';
import { CommandContext } from '../command-context';
import { instantBefore, parseDuration } from '../duration';
import { plural } from '../output/format';
import { formatTable } from '../output/table';
import { WorkerDirectory } from '../workers/worker-directory';
import { parseLabState } from './lab-state-option';

export interface BulkDeleteOptions {
  worker: string[];
  owner?: string;
  titlePrefix?: string;
  state?: string;
  olderThan?: string;
  force?: boolean;
  dryRun?: boolean;
  yes?: boolean;
}

/**
 * The API's filter from the options, checked before any request: at least one field (as the API requires),
 * a valid duration and state. The workers of `--worker` are added as ids once they are resolved.
 */
export function bulkDeleteFilter(options: BulkDeleteOptions, now: Date): BulkDeleteFilter {
  let createdBefore: string | undefined;
  if (options.olderThan !== undefined) {
    const ms = parseDuration(options.olderThan);
    if (ms === null) {
      throw new UsageError(
        `--older-than takes a duration such as 7d, 12h or 30m, not ${JSON.stringify(options.olderThan)}`,
      );
    }
    createdBefore = instantBefore(now, ms);
  }
  const filter: BulkDeleteFilter = {
    ...(options.owner !== undefined ? { owner: options.owner } : {}),
    ...(options.titlePrefix !== undefined ? { titlePrefix: options.titlePrefix } : {}),
    ...(options.state !== undefined ? { state: parseLabState(options.state) } : {}),
    ...(createdBefore !== undefined ? { createdBefore } : {}),
  };
  if (Object.keys(filter).length === 0 && options.worker.length === 0) {
    throw new UsageError(
      'bulk-delete needs at least one filter: --worker, --owner, --title-prefix, --state or --older-than',
    );
  }
  return filter;
}

/**
 * `bulk-delete`: the labs the filter matches (`POST /api/labs/bulk-delete` with `dryRun: true`), then, unless
 * --dry-run, a confirmation (--yes, or a yes typed on a terminal; without a terminal it refuses), the job
 * (`dryRun: false`, 202 `{jobId}`) and its progress (`GET /api/jobs/:jobId`) until it has finished. Exits 1
 * when any lab failed; the failures are printed.
 */
export async function bulkDelete(ctx: CommandContext, options: BulkDeleteOptions): Promise<void> {
  const byFields = bulkDeleteFilter(options, ctx.io.now());
  const workers = await WorkerDirectory.load(ctx.api);
  const filter: BulkDeleteFilter =
    options.worker.length > 0
      ? { workerIds: workers.select(options.worker).map((w) => w.id), ...byFields }
      : byFields;
  const force = options.force ? true : undefined;
  const preview = await ctx.api.post<BulkDeletePreview>('/api/labs/bulk-delete', {
    body: { filter, force, dryRun: true } satisfies BulkDeleteRequest,
  });
  const nameOf = (id: string) => workers.nameOf(id);
  if (options.dryRun) {
    ctx.print(preview, () =>
      preview.total === 0 ? 'No lab matches.\n' : `${previewTable(preview, nameOf)}${matchLine(preview)}\n`,
    );
    return;
  }
  if (preview.total === 0) {
    // No job to start: the document is the dry run's, which says so (`total: 0`).
    ctx.print(preview, () => 'No lab matches; nothing to delete.\n');
    return;
  }
  await confirm(ctx, preview, nameOf, options);
  const { jobId } = await ctx.api.post<BulkDeleteStarted>('/api/labs/bulk-delete', {
    body: { filter, force, dryRun: false } satisfies BulkDeleteRequest,
  });
  ctx.note(`Started bulk-delete job ${jobId}`);
  const job = await ctx.follow(
    'Deleting',
    () => ctx.api.get<BulkDeleteJob>(`/api/jobs/${jobId}`),
    (j) => j.status !== 'running',
    (j) => `${j.done}/${j.total} done${j.failed.length > 0 ? `, ${j.failed.length} failed` : ''}`,
  );
  ctx.print(job, () => {
    const deleted = job.done - job.failed.length;
    const head = `Deleted ${deleted} of ${plural(job.total, 'lab')}${job.failed.length > 0 ? `; ${job.failed.length} failed:` : '.'}\n`;
    return job.failed.length === 0
      ? head
      : head +
          formatTable(
            [
              { header: 'WORKER', value: (f: BulkDeleteJob['failed'][number]) => nameOf(f.workerId) },
              { header: 'LAB ID', value: (f) => f.labId },
              { header: 'STATUS', value: (f) => f.status },
              { header: 'DETAIL', value: (f) => f.detail },
            ],
            job.failed,
          );
  });
  if (job.failed.length > 0 || job.status === 'failed') {
    throw new OperationFailedError(
      `Bulk delete ${jobId} ${job.status}: ${plural(job.failed.length, 'lab')} not deleted`,
    );
  }
}

async function confirm(
  ctx: CommandContext,
  preview: BulkDeletePreview,
  nameOf: (id: string) => string,
  options: BulkDeleteOptions,
): Promise<void> {
  if (options.yes) return;
  if (!ctx.io.stdinIsTTY) {
    throw new UsageError(`${matchLine(preview)}; not a terminal, so nothing is deleted without --yes`);
  }
  ctx.io.stderr.write(previewTable(preview, nameOf));
  const answer = await ctx.io.ask(
    `${matchLine(preview)}${options.force ? ' (force: started labs are stopped and wiped)' : ''}. Delete them? [y/N] `,
  );
  if (!/^(y|yes)$/i.test(answer.trim())) throw new RefusedError('Not confirmed; nothing was deleted');
}

function matchLine(preview: BulkDeletePreview): string {
  return `${plural(preview.total, 'lab matches', 'labs match')} the filter`;
}

function previewTable(preview: BulkDeletePreview, nameOf: (id: string) => string): string {
  const shown =
    preview.items.length < preview.total ? `(the first ${preview.items.length} of ${preview.total})\n` : '';
  return (
    shown +
    formatTable<BulkDeletePreview['items'][number]>(
      [
        { header: 'WORKER', value: (l) => nameOf(l.workerId) },
        { header: 'LAB ID', value: (l) => l.labId },
        { header: 'TITLE', value: (l) => l.title },
        { header: 'OWNER', value: (l) => l.owner },
        { header: 'STATE', value: (l) => l.state },
      ],
      preview.items,
    )
  );
}
