import { IsQueryInt } from '@app/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

export class PageQueryDto {
  // Optional for a caller despite the initializer (the plugin would document it as required).
  @ApiPropertyOptional()
  @IsOptional()
  @IsQueryInt(1, 500)
  limit: number = 50;

  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}
