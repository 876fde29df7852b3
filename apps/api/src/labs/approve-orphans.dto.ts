import { ArrayMaxSize, IsArray, IsOptional, IsUUID } from 'class-validator';

export class ApproveOrphansDto {
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10000)
  @IsUUID('all', { each: true })
  labIds?: string[];
}
