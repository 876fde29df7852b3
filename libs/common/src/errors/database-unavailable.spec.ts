import mongoose, { mongo } from 'mongoose';
import { isDatabaseUnavailableError } from './database-unavailable';
import { NotFoundError } from './not-found.error';

describe('isDatabaseUnavailableError', () => {
  const networkError = () => new mongo.MongoNetworkError('connect ECONNREFUSED 127.0.0.1:27017');

  it.each<[string, () => unknown]>([
    ['MongoNetworkError', networkError],
    [
      'an insertMany or bulkWrite that could not reach the server (MongoBulkWriteError keeps it as errorResponse)',
      () => new mongo.MongoBulkWriteError(networkError() as never, {} as never),
    ],
    ['MongoNetworkTimeoutError', () => new mongo.MongoNetworkTimeoutError('timed out')],
    [
      'MongoServerSelectionError',
      () => new mongo.MongoServerSelectionError('Server selection timed out after 3000 ms', {} as never),
    ],
    ['MongoNotConnectedError', () => new mongo.MongoNotConnectedError('must be connected')],
    ['MongoTopologyClosedError', () => new mongo.MongoTopologyClosedError()],
    ['MongoClientClosedError', () => new mongo.MongoClientClosedError()],
    [
      'a pool cleared after a network error (a subclass of MongoNetworkError with its own name)',
      () => {
        class PoolClearedError extends mongo.MongoNetworkError {
          override get name(): string {
            return 'MongoPoolClearedError';
          }
        }
        return new PoolClearedError('Connection pool was cleared');
      },
    ],
    [
      'a server error labelled ResetPool',
      () => {
        const e = new mongo.MongoServerError({ message: 'handshake failed', code: 1 });
        e.addErrorLabel('ResetPool');
        return e;
      },
    ],
    [
      'a write refused by a stepped-down primary (RetryableWriteError)',
      () => {
        const e = new mongo.MongoServerError({ message: 'not primary', code: 10107 });
        e.addErrorLabel('RetryableWriteError');
        return e;
      },
    ],
    ['a server shutting down (code 91)', () => new mongo.MongoServerError({ message: 'shutdown', code: 91 })],
    [
      "mongoose's buffering timeout",
      () => new mongoose.Error('Operation `workers.findOne()` buffering timed out after 10000ms'),
    ],
    [
      "mongoose's call before the initial connection with bufferCommands off",
      () =>
        new mongoose.Error(
          'Cannot call `workers.findOne()` before initial connection is complete if `bufferCommands = false`.',
        ),
    ],
    [
      'a database error wrapped as the cause of another',
      () => new Error('lookup failed', { cause: networkError() }),
    ],
  ])('%s: yes', (_, make) => {
    expect(isDatabaseUnavailableError(make())).toBe(true);
  });

  it.each<[string, unknown]>([
    ['a duplicate key', new mongo.MongoServerError({ message: 'E11000 duplicate key', code: 11000 })],
    [
      'a bulk write the server answered with write errors',
      new mongo.MongoBulkWriteError(
        { message: 'E11000 duplicate key', code: 11000, writeErrors: [] },
        {} as never,
      ),
    ],
    ['a bad query', new mongo.MongoServerError({ message: 'unknown operator: $foo', code: 2 })],
    ['a mongoose cast error', new mongoose.Error.CastError('ObjectId', 'x', '_id')],
    ['another mongoose error', new mongoose.Error('Schema hasn\'t been registered for model "X"')],
    ['an application error', new NotFoundError('Worker w not found')],
    ['a plain error that merely mentions a timeout', new Error('buffering timed out after 10000ms')],
    ['a string', 'MongoNetworkError'],
    ['null', null],
  ])('%s: no', (_, error) => {
    expect(isDatabaseUnavailableError(error)).toBe(false);
  });
});
