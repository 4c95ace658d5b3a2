import { AppError } from '../../errors.js';

/** Failures that mean "the server is not reachable now", as opposed to a refused operation. */
const UNAVAILABLE_NAMES = new Set([
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
]);

export function isUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  // mongoose's own buffering timeout (the connection dropped and the short buffer ran out)
  return UNAVAILABLE_NAMES.has(err.name) || /buffering timed out|before initial connection/i.test(err.message);
}

/** FerretDB v1 reports a unique-index violation on *update* as code 1 (InternalError) with SQLite's text. */
export function isDuplicateKey(err: unknown): err is Error & { keyPattern?: Record<string, unknown> } {
  return (
    err instanceof Error && ((err as { code?: unknown }).code === 11000 || /UNIQUE constraint failed/.test(err.message))
  );
}

/**
 * Runs one store operation: AppErrors pass, unreachable-server errors become STORE_UNAVAILABLE (fail
 * closed, OPS-6; the driver reconnects by itself), anything else is a bug and propagates unchanged.
 */
export async function guarded<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    if (err instanceof AppError || !isUnavailable(err)) throw err;
    throw new AppError('STORE_UNAVAILABLE', { details: { store: 'mongo' }, cause: err });
  }
}
