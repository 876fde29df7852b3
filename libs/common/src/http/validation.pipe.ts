import { ArgumentMetadata, Paramtype, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError, InvalidInputError } from '../errors/invalid-input.error';

/** What forbidNonWhitelisted reports, said in the terms of where the key was found. */
function unknownKeyMessage(type: Paramtype, nested: boolean): string {
  if (type === 'query') return 'is not a parameter of this route';
  return nested ? 'is not a known field' : 'is not a field of this body';
}

function flatten(errors: ValidationError[], type: Paramtype, prefix = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([constraint, message]) => ({
      field,
      message: constraint === 'whitelistValidation' ? unknownKeyMessage(type, prefix !== '') : message,
    }));
    return [...own, ...flatten(error.children ?? [], type, field)];
  });
}

/** Carries class-validator's errors from the exception factory to transform(), which knows the source. */
class ValidationFailed extends Error {
  constructor(readonly errors: ValidationError[]) {
    super('validation failed');
  }
}

function toInvalidInput(errors: ValidationError[], type: Paramtype): InvalidInputError {
  const fieldErrors = flatten(errors, type);
  return new InvalidInputError(
    fieldErrors.map((e) => `${e.field}: ${e.message}`).join('; ') || 'The request is invalid',
    fieldErrors,
  );
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
    try {
      return await super.transform(value, metadata);
    } catch (error) {
      if (error instanceof ValidationFailed) throw toInvalidInput(error.errors, metadata.type);
      throw error;
    }
  }
}

/**
 * The one validation pipe of the API: unknown fields and query parameters are rejected (the contract
 * says 400), query strings are converted to the DTO's types, and failures become problem+json with
 * per-field errors. Routes without a query or body DTO say so with @NoQuery() / @NoBody().
 */
export function createValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => new ValidationFailed(errors),
  });
}
