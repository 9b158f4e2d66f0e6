// Click-to-call: PUT|GET /my/call/{to} and /call/{to} (sipX accepted both; PUT's body is ignored and
// may be empty). Validate `{to}`, build the originate line (domain/click-to-call.ts), count the call
// against the user's per-minute limit, send it with bgapi and answer with the call's UUID as soon as
// FreeSWITCH acknowledges the job. A job not acknowledged within ESL_TIMEOUT_MS is cancelled, never
// placed late: 504, and the node's sync hangs the call up if FreeSWITCH still starts it (it may have
// read the command before it froze). What happens next (user not registered, busy, no answer,
// answered, bridged, ended) shows in /my/activecdrs (the `uuid` and `state` of the entry) and in the
// log lines keyed by that UUID.
import { randomUUID } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { parseCallTarget } from '../../domain/call-target.js';
import { clickToCallCommand, type ClickToCallRefusal } from '../../domain/click-to-call.js';
import type { EslClient } from '../../esl/client.js';
import { EslNotConnectedError, isOutcomeUnknown } from '../../esl/errors.js';
import type { EslPool } from '../../esl/pool.js';
import type { Logger } from '../../log.js';
import type { RouteDeps } from '../app.js';
import { currentUser, type AppEnv } from '../context.js';
import { badRequest, forbidden, HttpError } from '../errors.js';
import { SlidingWindowLimiter, tooManyRequests } from '../rate-limit.js';
import { respond } from '../represent.js';

export const CALL_PATHS = ['/my/call/:to', '/call/:to'] as const;
/** The window CALLS_PER_MINUTE is counted over. */
export const CALL_RATE_WINDOW_MS = 60_000;
export const CALL_CANCELLED =
  'FreeSWITCH did not acknowledge the call in time; it was cancelled (if FreeSWITCH still starts it, it is hung up)';

/**
 * The `{to}` segment exactly as sent (still percent-encoded): Hono has already decoded its params
 * once, and parseCallTarget must decode exactly once itself (`%250D` is `%0D`, not CR).
 */
export function rawLastSegment(url: string): string {
  const query = url.indexOf('?');
  const hash = url.indexOf('#');
  let end = url.length;
  if (query !== -1) end = query;
  if (hash !== -1 && hash < end) end = hash;
  return url.slice(url.lastIndexOf('/', end - 1) + 1, end);
}

/** The node that places calls: the first connected one, in FS_ESL order. */
function originatingClient(pool: EslPool | undefined): EslClient {
  const clients = pool?.all() ?? [];
  const connected = clients.find((client) => client.state === 'connected');
  if (connected !== undefined) return connected;
  if (clients[0] !== undefined) throw new EslNotConnectedError(clients[0].nodeId);
  throw new HttpError(503, 'no FreeSWITCH is configured for calls');
}

const REFUSAL_STATUS: Record<ClickToCallRefusal, 400 | 403 | 500> = {
  invalid: 400,
  'not-allowed': 403,
  misconfigured: 500,
};

type JobOutcome = { reply: string } | { error: unknown };

/** Logs how the originate ended; its reply is the user's leg's fate (FreeSWITCH's cause on failure). */
function logOutcome(log: Logger, outcome: JobOutcome): void {
  if ('error' in outcome) {
    const message = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
    log.warn({ err: message }, 'click-to-call: no answer from FreeSWITCH about the call');
    return;
  }
  const reply = outcome.reply.trim();
  if (reply.startsWith('+OK')) {
    log.info('click-to-call: the user answered; dialling the target');
    return;
  }
  const cause = /^-ERR\s+(\S+)/.exec(reply)?.[1] ?? reply.slice(0, 80);
  log.info({ cause }, `click-to-call: the user's phone was not connected (${cause})`);
}

export function registerCallRoutes(app: Hono<AppEnv>, deps: RouteDeps): void {
  const { config, domains } = deps;
  // Shared across daemons when the app is given one (PostgreSQL), else counted in this process.
  const limiter =
    deps.callLimiter ??
    new SlidingWindowLimiter({ limit: config.callsPerMinute, windowMs: CALL_RATE_WINDOW_MS });
  const baseLog = deps.logger.child({ component: 'click-to-call' });

  const place = async (c: Context<AppEnv>) => {
    if (c.req.method === 'HEAD')
      throw new HttpError(405, 'HEAD does not place calls', { headers: { Allow: 'GET, PUT' } });
    // A browser sends GETs from any page it shows (<img src>, links) with the user's cached Basic
    // credentials; a cross-site one would place a call nobody asked for. Scripts send no such header.
    if (c.req.method === 'GET' && c.req.header('sec-fetch-site') === 'cross-site')
      throw forbidden('cross-site GET does not place calls; use PUT');
    const user = currentUser(c);
    const target = parseCallTarget(rawLastSegment(c.req.url));
    if (!target.ok) throw badRequest(`invalid {to}: ${target.error}`, 'to');

    const client = originatingClient(deps.esl);
    const domain = await domains.domainFor(client.nodeId);
    const plan = clickToCallCommand(user, target.value, randomUUID(), {
      domain,
      dialplanContext: config.dialplanContext,
      sipProfile: config.sipProfile,
      originateTimeoutS: config.originateTimeoutS,
      dialPolicy: deps.dialPolicy,
    });
    if (!plan.ok) {
      const status = REFUSAL_STATUS[plan.reason];
      if (status === 500)
        baseLog.error({ user: user.userName, err: plan.error }, 'click-to-call misconfigured');
      throw new HttpError(status, status === 500 ? 'click-to-call is misconfigured' : plan.error, {
        field: 'to',
      });
    }
    const { uuid, dialed } = plan.value;
    const log = baseLog.child({ uuid, user: user.userName, to: dialed, node: client.nodeId });

    const slot = await limiter.take(user.userName);
    if (!slot.ok) {
      log.warn('click-to-call refused: calls-per-minute limit reached');
      throw tooManyRequests(`at most ${config.callsPerMinute} calls per minute`, slot.retryAfterMs);
    }
    // The job ends when the user's phone answers or fails, so its timer covers the ringing too.
    const job = client.startJob(plan.value.line, {
      timeoutMs: config.originateTimeoutS * 1000 + config.eslRequestTimeoutMs,
    });
    const outcome: Promise<JobOutcome> = job.done.then(
      (reply) => ({ reply }),
      (error: unknown) => ({ error }),
    );
    try {
      await job.accepted;
    } catch (err) {
      await limiter.refund(user.userName);
      if (!isOutcomeUnknown(err)) throw err; // never reached FreeSWITCH: 503
      deps.live?.unwanted.add(client.nodeId, uuid);
      log.warn('click-to-call not acknowledged by FreeSWITCH in time: cancelled');
      throw new HttpError(504, CALL_CANCELLED);
    }
    void outcome.then((result) => logOutcome(log, result));
    log.info('click-to-call placed: ringing the user');
    return respond(
      c,
      200,
      'call',
      { uuid, from: user.userName, to: dialed },
      { headers: { 'Cache-Control': 'no-store' } },
    );
  };

  for (const path of CALL_PATHS) {
    app.put(path, place);
    app.get(path, place);
  }
}
