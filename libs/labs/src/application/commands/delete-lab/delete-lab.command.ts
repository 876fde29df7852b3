import { Command } from '@nestjs/cqrs';

export interface DeleteLabResult {
  workerId: string;
  labId: string;
  message: 'Lab deleted successfully';
  alreadyAbsentInCml: boolean;
  /** False when the local write failed after CML deleted the lab: Phase 2 completes the removal. */
  localRecordRemoved: boolean;
}

/** Who asks for a delete, as far as the delete's own rules need to know. */
export interface DeleteLabRequester {
  /** Token subject: the `deletedBy` of the audit event. */
  subject: string;
  /** The token's username claim, compared with the lab's CML owner; absent when the token has none. */
  username?: string;
  /** Holds the admin role: may force-delete anybody's running lab. */
  isAdmin: boolean;
}

export class DeleteLabCommand extends Command<DeleteLabResult> {
  constructor(
    readonly workerId: string,
    readonly labId: string,
    /** Stop and wipe a started lab first. */
    readonly force: boolean,
    /** Who asked, for the audit event and the force rule. */
    readonly requester: DeleteLabRequester,
    /** W3C traceparent of the request, carried into the LabDeleted CloudEvent. */
    readonly traceparent?: string,
  ) {
    super();
  }

  /** Who asked (token subject), for the audit event. */
  get deletedBy(): string {
    return this.requester.subject;
  }
}
