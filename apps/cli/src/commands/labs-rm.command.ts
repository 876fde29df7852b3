import { DeleteResult, Lab } from '../api/api-types';
import { allPages } from '../api/pages';
import { NotFoundError, UsageError } from '../cli-errors';
import { CommandContext } from '../command-context';
import { WorkerDirectory } from '../workers/worker-directory';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface LabsRmOptions {
  force?: boolean;
}

/**
 * `labs rm <worker> <lab>`: Phase 1 for one lab (`DELETE /api/workers/:id/labs/:labId`). The lab is its CML id,
 * or its exact title when exactly one lab of the worker has it. A refusal (409: not stopped and wiped, without
 * --force) or a CML failure names the step and the CML changes already made, on stderr.
 */
export async function labsRm(
  ctx: CommandContext,
  workerRef: string,
  labRef: string,
  options: LabsRmOptions,
): Promise<void> {
  const workers = await WorkerDirectory.load(ctx.api);
  const [worker] = workers.select([workerRef]);
  const labId = UUID.test(labRef) ? labRef.toLowerCase() : await labIdByTitle(ctx, worker!.id, labRef);
  const progress = ctx.progress();
  progress.update(
    `Deleting lab ${labId} on ${ctx.safe(worker!.name)}${options.force ? ' (force: stop and wipe first if needed)' : ''}...`,
  );
  let result: DeleteResult;
  try {
    result = await ctx.api.delete<DeleteResult>(`/api/workers/${worker!.id}/labs/${labId}`, {
      query: { force: options.force ? true : undefined },
    });
  } finally {
    progress.stop();
  }
  ctx.print(result, () => {
    const lines = [`Deleted lab ${result.labId} from worker ${ctx.safe(worker!.name)}.`];
    if (result.alreadyAbsentInCml) lines.push('CML did not have it any more.');
    if (!result.localRecordRemoved) {
      lines.push(
        'The lab is gone from CML; its local record could not be removed now, the next reconciliation removes it.',
      );
    }
    return `${lines.join('\n')}\n`;
  });
}

async function labIdByTitle(ctx: CommandContext, workerId: string, title: string): Promise<string> {
  const labs = await allPages<Lab>(ctx.api, `/api/workers/${workerId}/labs`);
  const matching = labs.filter((l) => l.title === title);
  if (matching.length === 0)
    throw new NotFoundError(`No lab of this worker has the id or title ${JSON.stringify(title)}`);
  if (matching.length > 1) {
    throw new UsageError(
      `${matching.length} labs are titled ${JSON.stringify(title)}; name one by its id: ${matching.map((l) => l.labId).join(', ')}`,
    );
  }
  return matching[0]!.labId;
}
