/** CML writes timestamps with seconds precision and an explicit offset: `2022-06-10T14:23:33+00:00`. */
export function formatCmlTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

/** `epochMs` rounded down to a whole second, the precision CML keeps. */
export function wholeSecond(epochMs: number): Date {
  return new Date(Math.floor(epochMs / 1000) * 1000);
}
