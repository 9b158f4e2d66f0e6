// Control of a live call found in /my/activecdrs, by its `uuid` (what click-to-call answered with):
//   PUT /my/activecdrs/{uuid}/hangup         end the call
//   PUT /my/activecdrs/{uuid}/hold           put your side on hold (the other party hears music)
//   PUT /my/activecdrs/{uuid}/resume         take it off hold
//   PUT /my/activecdrs/{uuid}/transfer/{to}  blind transfer: the other party goes to {to}, you drop out
// A user acts on calls they are a party to, an admin on any. {to} is click-to-call's grammar (an
// extension, a number, a SIP URI) under the same dial policy; transfers count against the same
// per-user calls-per-minute limit as click-to-call. 404 unknown call, 403 not yours (or a target the
// policy refuses), 409 the call's state does not allow it, 503 while a node is being resynced.
import type { Context, Hono } from 'hono';
import { parseCallTarget } from '../../domain/call-target.js';
import { CALL_UUID_RE } from '../../control/call-control.js';
import type { CallAction } from '../../control/call-control-plan.js';
import type { AppDeps } from '../app-deps.js';
import { currentUser, type AppEnv } from '../context.js';
import { badRequest } from '../errors.js';
import { rawLastSegment } from '../paths.js';
import { CALL_RATE_WINDOW_MS, SlidingWindowLimiter, tooManyRequests } from '../rate-limit.js';
import { respond } from '../represent.js';

export const CALL_CONTROL_BASE = '/my/activecdrs/:uuid';

export function registerCallControlRoutes(app: Hono<AppEnv>, deps: AppDeps): void {
  const { control } = deps;
  const transfers = new SlidingWindowLimiter({
    limit: deps.settings.callsPerMinute,
    windowMs: CALL_RATE_WINDOW_MS,
  });

  const run = async (c: Context<AppEnv>, action: CallAction) => {
    const uuid = c.req.param('uuid') ?? '';
    if (!CALL_UUID_RE.test(uuid)) throw badRequest('not a call uuid (as /my/activecdrs shows it)', 'uuid');
    const user = currentUser(c);
    const actor = { userName: user.userName, admin: user.role === 'admin' };
    if (action.name === 'transfer') {
      const slot = transfers.take(user.userName);
      if (!slot.ok)
        throw tooManyRequests(
          `at most ${deps.settings.callsPerMinute} transfers per minute`,
          slot.retryAfterMs,
        );
    }
    const done = await control.calls.run(actor, uuid, action).catch((err: unknown) => {
      if (action.name === 'transfer') transfers.refund(user.userName);
      throw err;
    });
    return respond(c, 200, 'call-control', done, { headers: { 'Cache-Control': 'no-store' } });
  };

  app.put(`${CALL_CONTROL_BASE}/hangup`, (c) => run(c, { name: 'hangup' }));
  app.put(`${CALL_CONTROL_BASE}/hold`, (c) => run(c, { name: 'hold' }));
  app.put(`${CALL_CONTROL_BASE}/resume`, (c) => run(c, { name: 'resume' }));
  app.put(`${CALL_CONTROL_BASE}/transfer/:to`, (c) => {
    const target = parseCallTarget(rawLastSegment(c.req.url));
    if (!target.ok) throw badRequest(`invalid {to}: ${target.error}`, 'to');
    return run(c, { name: 'transfer', target: target.value });
  });
}
