import { IsIn, IsOptional } from 'class-validator';

export class OutboxQueryDto {
  @IsOptional()
  @IsIn(['pending', 'dead'])
  status?: 'pending' | 'dead';
}
