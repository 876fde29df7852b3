import { IsQueryBoolean } from '@app/common';
import { IsOptional } from 'class-validator';

export class RefreshLabsQueryDto {
  /** `true`: compute the reconciliation and answer it without writing or emitting anything. */
  @IsOptional()
  @IsQueryBoolean()
  dryRun?: boolean;
}
