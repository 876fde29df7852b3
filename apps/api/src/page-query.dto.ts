import { IsQueryInt } from '@app/common';
import { IsOptional, IsString, MaxLength } from 'class-validator';

export class PageQueryDto {
  @IsOptional()
  @IsQueryInt(1, 500)
  limit: number = 50;

  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}
