import { IsOmittable } from '@app/common';
import { IsBoolean, IsIn, IsString, Length, MaxLength, ValidateIf } from 'class-validator';
import { RECONCILE_MODES, ReconcileMode } from '@app/workers';

export class UpdateWorkerDto {
  @IsOmittable()
  @IsString()
  @Length(1, 100)
  name?: string;

  @IsOmittable()
  @IsString()
  @MaxLength(2048)
  endpoint?: string;

  @IsOmittable()
  @IsString()
  @Length(1, 200)
  username?: string;

  @IsOmittable()
  @IsString()
  @Length(1, 1024)
  password?: string;

  @IsOmittable()
  @IsBoolean()
  verifyTls?: boolean;

  /** null removes a custom CA. */
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsString()
  @MaxLength(65536)
  caCertPem?: string | null;

  @IsOmittable()
  @IsBoolean()
  enabled?: boolean;

  @IsOmittable()
  @IsIn(RECONCILE_MODES)
  reconcileMode?: ReconcileMode;
}
