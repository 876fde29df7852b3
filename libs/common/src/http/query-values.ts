import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsBoolean, ValidateBy } from 'class-validator';

/*
 * Query values arrive as strings. These convert only the exact spellings; anything else stays a string (or an
 * array, for a repeated parameter) and fails validation with one message naming the parameter.
 */

/** Exactly `true` or `false`. */
export const IsQueryBoolean = () =>
  applyDecorators(
    Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value)),
    IsBoolean({ message: '$property must be true or false' }),
  );

/** Decimal digits only (no sign, fraction, exponent, hex or blanks), from min to max. */
export const IsQueryInt = (min: number, max: number) =>
  applyDecorators(
    Transform(({ value }) =>
      typeof value === 'string' && /^[0-9]{1,9}$/.test(value) ? Number(value) : value,
    ),
    ValidateBy({
      name: 'isQueryInt',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max,
        defaultMessage: () => `$property must be a whole number from ${min} to ${max}`,
      },
    }),
  );
