/**
 * Tells whether an error means "the database cannot be reached right now" (it is down, restarting, failing
 * over, or refusing connections), as opposed to an error in the request or in our code. The HTTP layer answers
 * these with 503 and Retry-After instead of 500 (see ProblemDetailsFilter).
 *
 * Classified by the MongoDB driver's and mongoose's error classes, error labels and server codes, never by the
 * wording of a message, except for mongoose's buffering timeout, which has no class of its own. Classes are
 * recognised by name along the prototype chain rather than with `instanceof`, so that this library needs no
 * database dependency and an error from a second copy of the driver is still recognised.
 */

/** Error classes (and their subclasses) that mean the database could not be reached. */
const UNAVAILABLE_CLASSES: ReadonlySet<string> = new Set([
  // Connection refused, reset or closed; socket timeouts (MongoNetworkTimeoutError), and the pool being cleared
  // after one (MongoPoolClearedError and PoolClearedOnNetworkError are subclasses).
  'MongoNetworkError',
  // No server answered within serverSelectionTimeoutMS; mongoose wraps the same for the initial connection.
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  // The client, its topology, a server or a pool was closed (during shutdown, or never connected).
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoClientClosedError',
  'MongoServerClosedError',
  'MongoPoolClosedError',
  // No pooled connection became free in time (waitQueueTimeoutMS), or the whole operation ran out of timeoutMS.
  'MongoWaitQueueTimeoutError',
  'MongoOperationTimeoutError',
]);

/**
 * Labels the driver puts on errors that come from the server being unreachable or overloaded:
 * `ResetPool` (the pool was cleared after a network error), `SystemOverloadedError` (connections are being
 * refused or shed), `RetryableWriteError` (a network error or a "no writable primary" answer).
 */
const UNAVAILABLE_LABELS = ['ResetPool', 'SystemOverloadedError', 'RetryableWriteError'] as const;

/** Server codes that mean no usable node: shutting down, stepped down, not primary, unreachable. */
const UNAVAILABLE_SERVER_CODES: ReadonlySet<number> = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  89, // NetworkTimeout
  91, // ShutdownInProgress
  189, // PrimarySteppedDown
  9001, // SocketException
  10058, // LegacyNotPrimary
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

/**
 * mongoose raises a plain MongooseError when an operation waited for a connection longer than bufferTimeoutMS
 * ("Operation `x.find()` buffering timed out after 10000ms", "Connection operation buffering timed out ..."),
 * or when bufferCommands is off and the initial connection has not completed: no class to go by.
 */
const MONGOOSE_NOT_CONNECTED = /buffering timed out after|before initial connection is complete/;

/** How deep wrapped errors (`cause`) are followed. */
const MAX_CAUSE_DEPTH = 5;

export function isDatabaseUnavailableError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth <= MAX_CAUSE_DEPTH && isObject(current); depth++) {
    if (isUnavailable(current)) return true;
    current = wrappedErrorOf(current);
  }
  return false;
}

/**
 * The error this one wraps: `cause`, or, for the driver's MongoBulkWriteError (an insertMany or
 * bulkWrite that failed before any write result, e.g. `connect ECONNREFUSED`), the original error
 * it keeps as `errorResponse`.
 */
function wrappedErrorOf(error: object): unknown {
  const { cause, errorResponse } = error as { cause?: unknown; errorResponse?: unknown };
  if (cause !== undefined) return cause;
  return errorResponse instanceof Error ? errorResponse : undefined;
}

function isUnavailable(error: object): boolean {
  const classes = classNamesOf(error);
  if (classes.some((name) => UNAVAILABLE_CLASSES.has(name))) return true;
  if (classes.includes('MongoError')) {
    const e = error as { hasErrorLabel?: (label: string) => boolean; code?: unknown };
    if (typeof e.hasErrorLabel === 'function' && UNAVAILABLE_LABELS.some((l) => e.hasErrorLabel!(l))) {
      return true;
    }
    if (typeof e.code === 'number' && UNAVAILABLE_SERVER_CODES.has(e.code)) return true;
  }
  if (classes.includes('MongooseError')) {
    const message = (error as { message?: unknown }).message;
    return typeof message === 'string' && MONGOOSE_NOT_CONNECTED.test(message);
  }
  return false;
}

/**
 * The error's `name` and the names of the classes it is an instance of. Both are needed: the driver's
 * PoolClearedError calls itself MongoPoolClearedError, and its base class is MongoNetworkError.
 */
function classNamesOf(error: object): string[] {
  const names: string[] = [];
  const name = (error as { name?: unknown }).name;
  if (typeof name === 'string') names.push(name);
  for (let proto = Object.getPrototypeOf(error); proto && proto !== Object.prototype;) {
    const ctorName = (proto as { constructor?: { name?: unknown } }).constructor?.name;
    if (typeof ctorName === 'string') names.push(ctorName);
    proto = Object.getPrototypeOf(proto);
  }
  return names;
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}
