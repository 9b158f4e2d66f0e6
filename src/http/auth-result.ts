// What checking one set of credentials comes to, and the throttle around every check: the attempt is
// counted before anything is checked and settled after, whatever happens in between. The answer does
// not wait for the settling: a shared throttle records it in PostgreSQL meanwhile, and until then the
// attempt still counts as pending, so a client that asks again at once gains nothing.
import type { User } from '../domain/users.js';
import type { Logger } from '../log.js';
import type { AttemptOutcome, LoginAttempt, LoginThrottle } from './auth-guard.js';

export type AuthResult =
  | { ok: true; user: User }
  /** `stale`: a valid Digest response to a nonce no longer accepted; the client retries with a new one. */
  | { ok: false; status: 401; message: string; stale?: boolean }
  | { ok: false; status: 429 | 503; message: string; retryAfterMs: number };

export interface Checked {
  outcome: AttemptOutcome;
  result: AuthResult;
}

/** Admits `attempt`, runs `check` (told whether the client is known for the user), settles it. */
export async function checkThrottled(
  throttle: LoginThrottle,
  logger: Logger,
  attempt: LoginAttempt,
  check: (known: boolean) => Promise<Checked>,
): Promise<AuthResult> {
  const admission = await throttle.admit(attempt);
  if (!admission.ok)
    return admission.busy
      ? { ok: false, status: 503, message: BUSY, retryAfterMs: admission.retryAfterMs }
      : {
          ok: false,
          status: 429,
          message: 'too many failed logins; try again later',
          retryAfterMs: admission.retryAfterMs,
        };
  let outcome: AttemptOutcome = 'unchecked';
  try {
    const checked = await check(admission.ticket.known);
    outcome = checked.outcome;
    return checked.result;
  } finally {
    throttle.settle(admission.ticket, outcome).then(
      (lockedNow) => {
        if (lockedNow)
          logger.warn(
            { client: attempt.client, userName: attempt.userName },
            'login attempts blocked after repeated failures',
          );
      },
      (err: unknown) =>
        logger.error(
          { err: err instanceof Error ? err.message : String(err) },
          'could not settle a login attempt',
        ),
    );
  }
}

const BUSY = 'too many logins in progress; try again';
