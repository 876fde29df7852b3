import { IsQueryBoolean } from '@app/common';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { LAB_STATES, LabState } from '@app/labs';
import { PageQueryDto } from '../page-query.dto';

export class ListLabsQueryDto extends PageQueryDto {
  @IsOptional()
  @IsIn(LAB_STATES)
  state?: LabState;

  @IsOptional()
  @IsString()
  @Length(1, 200)
  owner?: string;

  /** `true`: the removed records instead (newest removal first, one page of `limit`, no filters). */
  @IsOptional()
  @IsQueryBoolean()
  removed?: boolean;
}
