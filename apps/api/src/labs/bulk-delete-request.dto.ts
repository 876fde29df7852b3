import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsISO8601,
  IsObject,
  IsString,
  IsUUID,
  Length,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { IsOmittable } from '@app/common';
import { LAB_STATES, LabState } from '@app/labs';

const FILTER_FIELDS = ['workerIds', 'owner', 'titlePrefix', 'state', 'createdBefore'] as const;

/** At least one field of the filter is given: an empty filter would select every lab of every worker. */
const HasAFilterField = () =>
  ValidateBy({
    name: 'hasAFilterField',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'object' &&
        value !== null &&
        FILTER_FIELDS.some((f) => (value as Record<string, unknown>)[f] !== undefined),
      defaultMessage: () => `needs at least one of ${FILTER_FIELDS.join(', ')}`,
    },
  });

export class BulkDeleteFilterDto {
  /** Only labs of these workers; absent = every worker. */
  @IsOmittable()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true })
  workerIds?: string[];

  /** The owner's CML user id or username, exactly. */
  @IsOmittable()
  @IsString()
  @Length(1, 200)
  owner?: string;

  /** The title starts with this (case-sensitive, no pattern). */
  @IsOmittable()
  @IsString()
  @Length(1, 256)
  titlePrefix?: string;

  @IsOmittable()
  @IsIn(LAB_STATES)
  state?: LabState;

  /** ISO-8601: labs created strictly before this instant. */
  @IsOmittable()
  @IsISO8601({ strict: true, strictSeparator: true })
  createdBefore?: string;
}

export class BulkDeleteRequestDto {
  @IsDefined()
  @IsObject()
  @HasAFilterField()
  @ValidateNested()
  @Type(() => BulkDeleteFilterDto)
  filter!: BulkDeleteFilterDto;

  /** Stop and wipe started labs first; admin only. */
  @IsOmittable()
  @IsBoolean()
  force?: boolean;

  /** List what would be deleted, from the local inventory, and change nothing. */
  @IsOmittable()
  @IsBoolean()
  dryRun?: boolean;
}
