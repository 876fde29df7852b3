import { IsBoolean, IsIn, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { RECONCILE_MODES, ReconcileMode } from '@app/workers';

export class CreateWorkerDto {
  @IsString()
  @Length(1, 100)
  name!: string;

  @IsString()
  @MaxLength(2048)
  endpoint!: string;

  @IsString()
  @Length(1, 200)
  username!: string;

  @IsString()
  @Length(1, 1024)
  password!: string;

  @IsOptional()
  @IsBoolean()
  verifyTls?: boolean;

  @IsOptional()
  @IsString()
  @MaxLength(65536)
  caCertPem?: string | null;

  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @IsOptional()
  @IsIn(RECONCILE_MODES)
  reconcileMode?: ReconcileMode;
}
