import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { AuditEventCriteriaDto } from './audit-event-criteria.dto';

/** Query of `GET /api/audit-events`; unknown parameters are refused by the validation pipe. */
export class ListAuditEventsQueryDto extends AuditEventCriteriaDto {
  /** `nextCursor` of the previous page, as returned (opaque). */
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  cursor?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit: number = 100;
}
