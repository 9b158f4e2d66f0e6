// Click-to-call: PUT|GET /my/call/{to} and /call/{to} (sipX accepted both; PUT's body is ignored and
// may be empty). Validate `{to}`, let control/ prepare the call, count it against the user's
// per-minute limit, let control/ place it, and answer with the call's UUID as soon as FreeSWITCH
// acknowledges the job (control/click-to-call.ts: a job not acknowledged in time is cancelled, 504).
// What happens next (user not registered, busy, no answer, answered, bridged, ended) shows in
// /my/activecdrs (the `uuid` and `state` of the entry) and in the log lines keyed by that UUID.
import type { Context, Hono } from 'hono';
import { parseCallTarget } from '../../domain/call-target.js';
import type { AppDeps } from '../app-deps.js';
import { currentUser, type AppEnv } from '../context.js';
import { badRequest, forbidden, HttpError } from '../errors.js';
import { rawLastSegment } from '../paths.js';
import { CALL_RATE_WINDOW_MS, SlidingWindowLimiter, tooManyRequests } from '../rate-limit.js';
import { respond } from '../represent.js';

export const CALL_PATHS = ['/my/call/:to', '/call/:to'] as const;

export function registerCallRoutes(app: Hono<AppEnv>, deps: AppDeps): void {
  const { settings, control } = deps;
  // Shared across daemons when the app is given one (PostgreSQL), else counted in this process.
  const limiter =
    deps.callLimiter ??
    new SlidingWindowLimiter({ limit: settings.callsPerMinute, windowMs: CALL_RATE_WINDOW_MS });
  const log = deps.logger.child({ component: 'click-to-call' });

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

    const call = await control.clickToCall.prepare(user, target.value);
    const slot = await limiter.take(user.userName);
    if (!slot.ok) {
      log.warn(
        { uuid: call.uuid, user: user.userName, to: call.to },
        'click-to-call refused: calls-per-minute limit reached',
      );
      throw tooManyRequests(`at most ${settings.callsPerMinute} calls per minute`, slot.retryAfterMs);
    }
    try {
      await control.clickToCall.place(call);
    } catch (err) {
      await limiter.refund(user.userName);
      throw err;
    }
    return respond(
      c,
      200,
      'call',
      { uuid: call.uuid, from: call.from, to: call.to },
      { headers: { 'Cache-Control': 'no-store' } },
    );
  };

  for (const path of CALL_PATHS) {
    app.put(path, place);
    app.get(path, place);
  }
}
