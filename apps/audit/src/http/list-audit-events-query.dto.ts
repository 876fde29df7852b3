import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, IsString, Length, Max, Min } from 'class-validator';

/** Query of `GET /api/audit-events`; unknown parameters are refused by the validation pipe. */
export class ListAuditEventsQueryDto {
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

  /** Events whose `time` is at or after this instant. */
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  since?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit: number = 100;
}
