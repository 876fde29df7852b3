import { IsOmittable } from '@app/common';
import { IsBoolean, IsIn, IsString, Length, MaxLength } from 'class-validator';
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

  @IsOmittable()
  @IsBoolean()
  verifyTls?: boolean;

  @IsOmittable()
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
