// What control/ answers when it cannot do what was asked: a status the API maps one to one, the
// message for the body, and (for FreeSWITCH failures) the node, for the log. ESL's own errors stop
// here (fromEslError), so nothing above control/ needs to know the ESL client.
import { EslError, EslUnsafeCommandError, isOutcomeUnknown } from '../esl/errors.js';

export type ControlStatus = 400 | 403 | 404 | 406 | 409 | 500 | 503 | 504;

/** Seconds a client is told to wait when FreeSWITCH is down or being resynced. */
export const FREESWITCH_RETRY_AFTER_S = 5;

/** The 504 body: the request reached FreeSWITCH, which did not confirm it (it may still run it). */
export const OUTCOME_UNKNOWN =
  'FreeSWITCH did not confirm the request in time; it may have been carried out (check before repeating it)';

export interface ControlErrorDetails {
  /** The request part at fault (e.g. `to`). */
  field?: string;
  retryAfterS?: number;
  /** The FreeSWITCH node involved, for the log. */
  nodeId?: string;
  /** What FreeSWITCH's client said, for the log only (never in a body). */
  cause?: string;
}

export class ControlError extends Error {
  constructor(
    readonly status: ControlStatus,
    message: string,
    readonly details: ControlErrorDetails = {},
  ) {
    super(message);
    this.name = 'ControlError';
  }
}

/** What a 503 for a node that is not in sync says (reads and writes alike). */
export const STATE_UNAVAILABLE = 'live state of FreeSWITCH is being rebuilt; try again';

/** A node that is connected but not yet synced, or unknown: the answer would be stale, so none is given. */
export const stateUnavailable = () =>
  new ControlError(503, STATE_UNAVAILABLE, {
    retryAfterS: FREESWITCH_RETRY_AFTER_S,
  });

/** The ControlError for a failed ESL request; anything else is rethrown as it is. */
export function fromEslError(err: unknown): ControlError {
  if (err instanceof ControlError) return err;
  if (!(err instanceof EslError)) throw err;
  const details = { nodeId: err.nodeId, cause: err.message };
  if (isOutcomeUnknown(err)) return new ControlError(504, OUTCOME_UNKNOWN, details);
  // Validation upstream makes this unreachable; refusing is still the safe answer.
  if (err instanceof EslUnsafeCommandError) return new ControlError(400, 'bad command argument', details);
  return new ControlError(503, 'FreeSWITCH is not reachable right now', {
    ...details,
    retryAfterS: FREESWITCH_RETRY_AFTER_S,
  });
}
