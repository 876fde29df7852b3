import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError, InvalidInputError } from '../errors/invalid-input.error';

function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** JSON.parse keeps "__proto__" as an own key, and class-transformer then drops it silently. */
function findForbiddenKey(value: unknown, path = ''): string | null {
  if (typeof value !== 'object' || value === null) return null;
  for (const key of Object.keys(value)) {
    const here = path ? `${path}.${key}` : key;
    if (FORBIDDEN_KEYS.has(key)) return here;
    const nested = findForbiddenKey((value as Record<string, unknown>)[key], here);
    if (nested) return nested;
  }
  return null;
}

class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query') {
      const key = findForbiddenKey(value);
      if (key)
        throw new InvalidInputError(`${key}: this field is not allowed`, [
          { field: key, message: 'not allowed' },
        ]);
    }
    return super.transform(value, metadata);
  }
}

/**
 * The one validation pipe of the API: unknown fields are rejected (the contract says 400), query
 * strings are converted to the DTO's types, and failures become problem+json with per-field errors.
 */
export function createValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => {
      const fieldErrors = flatten(errors);
      return new InvalidInputError(
        fieldErrors.map((e) => `${e.field}: ${e.message}`).join('; ') || 'The request is invalid',
        fieldErrors,
      );
    },
  });
}
