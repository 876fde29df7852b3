import { Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { AppConfig, Clock, InvalidInputError } from '@app/common';
import { BulkDeleteJob } from '../../../domain/bulk-delete/bulk-delete-job';
import { BulkDeleteJobRunner } from '../../bulk-delete/bulk-delete-job-runner';
import { BulkDeleteSelection } from '../../bulk-delete/bulk-delete-selection';
import { BulkDeleteJobRepository } from '../../ports/bulk-delete-job.repository';
import { StartBulkDeleteCommand, StartBulkDeleteResult } from './start-bulk-delete.command';

/**
 * `POST /api/labs/bulk-delete`. A dry run lists what the filter selects in the local inventory
 * and changes nothing. Otherwise the selected labs become a job's items, the job is stored before
 * anything is deleted (so a crash from here on leaves a job to resume, never deletes nobody
 * tracks), and the runner runs it in the background.
 */
@CommandHandler(StartBulkDeleteCommand)
export class StartBulkDeleteHandler implements ICommandHandler<
  StartBulkDeleteCommand,
  StartBulkDeleteResult
> {
  private readonly logger = new Logger(StartBulkDeleteHandler.name);

  constructor(
    private readonly selection: BulkDeleteSelection,
    private readonly jobs: BulkDeleteJobRepository,
    private readonly runner: BulkDeleteJobRunner,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async execute(command: StartBulkDeleteCommand): Promise<StartBulkDeleteResult> {
    const { filter, force, dryRun, requester } = command;
    const max = this.config.bulkDelete.maxLabs;
    const selected = await this.selection.select(filter, max);
    if (dryRun) return { dryRun: true, items: selected.items, total: selected.total };
    if (selected.total > max) {
      throw new InvalidInputError(
        `The filter selects ${selected.total} labs; one bulk delete takes at most ${max} (BULK_DELETE_MAX_LABS). Narrow the filter, or run it again when this job has ended.`,
        [{ field: 'filter', message: `selects ${selected.total} labs, more than ${max}` }],
      );
    }
    const job = BulkDeleteJob.start({
      id: randomUUID(),
      filter: filter.toJSON(),
      force,
      requestedBy: requester,
      labs: selected.items,
      now: this.clock.now(),
    });
    await this.jobs.create(job);
    this.logger.log(
      { jobId: job.id, total: job.total, force, requestedBy: requester.subject, filter: filter.toJSON() },
      `Bulk delete job ${job.id} created for ${job.total} labs`,
    );
    if (job.status === 'running') void this.runner.run(job.id);
    return { dryRun: false, jobId: job.id };
  }
}
