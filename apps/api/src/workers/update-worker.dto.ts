import { IsBoolean, IsIn, IsOptional, IsString, Length, MaxLength, ValidateIf } from 'class-validator';
import { RECONCILE_MODES, ReconcileMode } from '@app/workers';

export class UpdateWorkerDto {
  @IsOptional()
  @IsString()
  @Length(1, 100)
  name?: string;

  @IsOptional()
  @IsString()
  @MaxLength(2048)
  endpoint?: string;

  @IsOptional()
  @IsString()
  @Length(1, 200)
  username?: string;

  @IsOptional()
  @IsString()
  @Length(1, 1024)
  password?: string;

  @IsOptional()
  @IsBoolean()
  verifyTls?: boolean;

  /** null removes a custom CA. */
  @ValidateIf((_, v) => v !== null && v !== undefined)
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
