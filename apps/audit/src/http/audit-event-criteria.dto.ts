import { IsISO8601, IsOptional, IsString, Length } from 'class-validator';
import { InvalidInputError } from '@app/common';
import { AuditEventCriteria } from '../application/ports/audit-event.repository';

/** The filters of `GET /api/audit-events` and of its export: every one given must match, exactly. */
export class AuditEventCriteriaDto {
  @IsOptional()
  @IsString()
  @Length(1, 256)
  workerId?: string;

  @IsOptional()
  @IsString()
  @Length(1, 256)
  labId?: string;

  /** The full CloudEvent type, matched exactly. */
  @IsOptional()
  @IsString()
  @Length(1, 256)
  type?: string;

  /** `data.owner`: the CML user who owned the lab. */
  @IsOptional()
  @IsString()
  @Length(1, 256)
  owner?: string;

  /** `data.deletedBy`: who deleted it through cml-labs (orphan removals have none, so never match). */
  @IsOptional()
  @IsString()
  @Length(1, 256)
  deletedBy?: string;

  /** Events whose `time` is at or after this instant. */
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  since?: string;

  /** Events whose `time` is before this instant (exclusive). */
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  until?: string;
}

/**
 * The criteria of a validated query. `until` must be after `since`: an empty or reversed window is a mistake
 * of the caller's (swapped fields), better named than answered with nothing.
 */
export function criteriaOf(query: AuditEventCriteriaDto): Omit<AuditEventCriteria, 'after'> {
  const since = query.since === undefined ? undefined : new Date(query.since);
  const until = query.until === undefined ? undefined : new Date(query.until);
  if (since && until && until.getTime() <= since.getTime()) {
    throw new InvalidInputError('until must be after since', [
      { field: 'until', message: 'must be after since' },
    ]);
  }
  return {
    workerId: query.workerId,
    labId: query.labId,
    type: query.type,
    owner: query.owner,
    deletedBy: query.deletedBy,
    since,
    until,
  };
}
