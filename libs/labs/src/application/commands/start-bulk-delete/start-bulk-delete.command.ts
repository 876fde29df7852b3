import { Command } from '@nestjs/cqrs';
import { BulkDeleteFilter } from '../../../domain/bulk-delete/bulk-delete-filter';
import { BulkDeleteRequester } from '../../../domain/bulk-delete/bulk-delete-job';
import { BulkDeletePreviewItem } from '../../bulk-delete/bulk-delete-selection';

export type StartBulkDeleteResult =
  /** A dry run: what a real run would take now, from the local inventory; nothing changed. */
  | { dryRun: true; items: BulkDeletePreviewItem[]; total: number }
  /** A job was created and runs in the background. */
  | { dryRun: false; jobId: string };

export class StartBulkDeleteCommand extends Command<StartBulkDeleteResult> {
  constructor(
    readonly filter: BulkDeleteFilter,
    /** Stop and wipe started labs first (the API lets only admins ask for it). */
    readonly force: boolean,
    readonly dryRun: boolean,
    /** Who asked: every lab's Phase 1 delete runs as them (`deletedBy`, the force rule). */
    readonly requester: BulkDeleteRequester,
  ) {
    super();
  }
}
