// Errors a handler may throw, and the one place that turns any thrown value into an error response
// (status + short body per API.md; details only in the log, never a stack trace in a body).
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ControlError, FREESWITCH_RETRY_AFTER_S, STATE_UNAVAILABLE } from '../control/errors.js';
import type { Logger } from '../log.js';
import {
  ConflictError,
  InvalidRecordError,
  NotFoundError,
  StoreError,
  StoreUnavailableError,
  StoreWriteError,
} from '../store/store.js';
import { respondError, type ErrorDetails } from './represent.js';

export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const badRequest = (message: string, field?: string) =>
  new HttpError(400, message, field === undefined ? {} : { field });
export const forbidden = (message = 'forbidden') => new HttpError(403, message);
export const notFound = (message = 'not found') => new HttpError(404, message);

/** Seconds a client is told to wait when FreeSWITCH is down (the ESL client retries meanwhile). */
export const ESL_RETRY_AFTER_S = FREESWITCH_RETRY_AFTER_S;

/** Seconds a client is told to wait when the shared store (PostgreSQL) is unreachable. */
export const STORE_RETRY_AFTER_S = 5;

/** A node that is connected but not yet synced, or unknown: readers answer this instead of stale data. */
export const nodeUnavailable = () =>
  new HttpError(503, STATE_UNAVAILABLE, {
    headers: { 'Retry-After': String(ESL_RETRY_AFTER_S) },
  });

/** app.onError: maps every error to a response; unexpected ones are logged and answered 500. */
export function errorResponder(logger: Logger) {
  return (err: unknown, c: Context): Response => {
    if (err instanceof HttpError) return respondError(c, err.status, err.message, err.details);
    if (err instanceof ConflictError) return respondError(c, 409, err.message, { field: err.field });
    if (err instanceof InvalidRecordError) return respondError(c, 400, err.message, { field: err.field });
    if (err instanceof NotFoundError) return respondError(c, 404, err.message);
    if (err instanceof HTTPException) {
      const status = err.status as ContentfulStatusCode;
      const message = status === 413 ? 'request body too large' : err.message || 'bad request';
      return respondError(c, status, message);
    }
    if (err instanceof ControlError) return controlErrorResponse(c, logger, err);
    if (err instanceof StoreUnavailableError) {
      logger.warn({ path: c.req.path, err: err.message }, 'store unavailable');
      return respondError(c, 503, 'the user and conference store is not reachable right now; try again', {
        headers: { 'Retry-After': String(STORE_RETRY_AFTER_S) },
      });
    }
    if (err instanceof StoreWriteError) {
      logger.error({ err, path: c.req.path }, 'store write failed');
      return respondError(c, 503, 'could not save the change; try again', {
        headers: { 'Retry-After': '5' },
      });
    }
    if (err instanceof StoreError) {
      // The store refuses writes once shutdown has closed it: nothing was saved, the client may retry.
      logger.warn({ err: err.message, path: c.req.path }, 'store refused a change');
      return respondError(c, 503, 'could not save the change; try again', {
        headers: { 'Retry-After': '5' },
      });
    }
    logger.error({ err, method: c.req.method, path: c.req.path }, 'unhandled error in a request');
    return respondError(c, 500, 'internal error');
  };
}

/** A ControlError as the API answers it; FreeSWITCH's own failures are logged with their node. */
function controlErrorResponse(c: Context, logger: Logger, err: ControlError): Response {
  const { field, retryAfterS, nodeId, cause } = err.details;
  if (cause !== undefined) {
    const fields = { node: nodeId, path: c.req.path, err: cause };
    if (err.status === 504) logger.warn(fields, 'FreeSWITCH did not answer in time');
    else if (err.status === 400)
      logger.error({ node: nodeId, path: c.req.path }, 'refused an unsafe ESL command');
    else logger.warn(fields, 'FreeSWITCH unavailable');
  }
  return respondError(c, err.status, err.message, {
    ...(field !== undefined ? { field } : {}),
    ...(retryAfterS !== undefined ? { headers: { 'Retry-After': String(retryAfterS) } } : {}),
  });
}
