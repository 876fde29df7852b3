/**
 * `true` only when A and B describe the same values. The response DTOs exist for the OpenAPI document only (the
 * handlers return the libs' views); each pins itself to what its handler returns with
 * `const _x: SameShape<Dto, Answer<Controller['method']>> = true`, so a view that gains, loses or changes a field
 * fails the type check instead of leaving the document (and the console's types generated from it) stale.
 */
export type SameShape<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** What a handler answers with (its promise's value). */
export type Answer<F> = F extends (...args: never[]) => Promise<infer T> ? T : never;
