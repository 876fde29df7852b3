import { IsQueryBoolean } from '@app/common';
import { IsOptional } from 'class-validator';

export class DeleteLabQueryDto {
  /** Only the literal strings true/false. */
  @IsOptional()
  @IsQueryBoolean()
  force?: boolean;
}
