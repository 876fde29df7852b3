import { ValidateIf } from 'class-validator';

/**
 * Like @IsOptional, but only for absent fields: `null` is validated (and so rejected) instead of
 * being let through, for fields where null means nothing.
 */
export const IsOmittable = () => ValidateIf((_object, value) => value !== undefined);
