import { Command } from '@nestjs/cqrs';

export interface DeleteLabResult {
  workerId: string;
  labId: string;
  message: 'Lab deleted successfully';
  alreadyAbsentInCml: boolean;
  /** False when the local write failed after CML deleted the lab: Phase 2 completes the removal. */
  localRecordRemoved: boolean;
}

export class DeleteLabCommand extends Command<DeleteLabResult> {
  constructor(
    readonly workerId: string,
    readonly labId: string,
    /** Stop and wipe a started lab first. */
    readonly force: boolean,
    /** Who asked (token subject), for the audit event. */
    readonly deletedBy: string,
    /** W3C traceparent of the request, carried into the LabDeleted CloudEvent. */
    readonly traceparent?: string,
  ) {
    super();
  }
}
