import { IsIn, IsOptional } from 'class-validator';

export class NotificationQueryDto {
  @IsOptional()
  @IsIn(['pending', 'dead'])
  status?: 'pending' | 'dead';
}
