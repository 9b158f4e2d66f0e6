// Live calls from the tracked state (never by asking FreeSWITCH per request):
//   GET /my/activecdrs        the user's calls, as caller or callee (sipX `cdrs/cdr`)
//   GET /activecdrs/{user}    the same for any user (admin)
//   GET /api/activecalls      every live call on every node, with its node and legs (admin, JSON)
// Each entry has sipX's fields (from, from-aor, to, to-aor, direction, recipient, internal, type,
// start-time, duration) plus two extras: `uuid`, the call's id (what click-to-call answered with), and
// `state` (ringing / answered / bridged / ending, see state/call-progress.ts).
// A node that is not in sync makes the per-user views answer 503: a list missing that node's calls
// would look like those calls had ended. The admin view lists what it has and names the missing nodes.
import type { Context, Hono } from 'hono';
import type { AppDeps } from '../app.js';
import { requireAdmin } from '../auth.js';
import { currentUser, type AppEnv } from '../context.js';
import { badRequest, nodeUnavailable } from '../errors.js';
import { respond, respondJson } from '../represent.js';
import { SipDomainResolver } from '../sip-domain.js';
import { activeCdr, isLive, type ActiveCdr } from '../../state/active-cdr.js';
import type { Call, Channel } from '../../state/calls.js';
import { callProgress, type CallProgress } from '../../state/call-progress.js';
import type { LiveState } from '../../state/node-state.js';

export type UserCdr = ActiveCdr & { uuid: string; state: CallProgress };

/** What FreeSWITCH's channels may name as a user (channel-user.ts keeps at most this). */
const CDR_USER_RE = /^[A-Za-z0-9+*#._@-]{1,64}$/;
const NO_STORE = { 'Cache-Control': 'no-store' };

const byStartTime = (a: { 'start-time': number }, b: { 'start-time': number }) =>
  a['start-time'] - b['start-time'];

export interface AdminLeg {
  uuid: string;
  name: string;
  direction: 'inbound' | 'outbound';
  user: string;
  'caller-id-number': string;
  'caller-id-name': string;
  destination: string;
  state: Channel['phase'];
  'created-time': number;
  'answered-time': number | null;
}

export type AdminCall = Omit<ActiveCdr, 'direction'> & {
  /** INCOMING: a phone or trunk called the switch; OUTGOING: the switch placed it (click-to-call, dial). */
  direction: 'INCOMING' | 'OUTGOING';
  uuid: string;
  node: string;
  state: CallProgress;
  legs: AdminLeg[];
};

function adminLeg(leg: Channel): AdminLeg {
  return {
    uuid: leg.uuid,
    name: leg.name,
    direction: leg.direction,
    user: leg.user ?? '',
    'caller-id-number': leg.callerIdNumber,
    'caller-id-name': leg.callerIdName,
    destination: leg.destination,
    state: leg.phase,
    'created-time': leg.createdAt,
    'answered-time': leg.answeredAt ?? null,
  };
}

export function registerActiveCallRoutes(app: Hono<AppEnv>, deps: AppDeps): void {
  const domains = new SipDomainResolver(deps.config.fsDomain, deps.esl, deps.logger);
  const configured = deps.config.fsDomain;
  /** The AOR domain per node, resolved once per request (FS_DOMAIN needs no lookup at all). */
  const domainLookup = () => {
    const seen = new Map<string, string>();
    return async (nodeId: string): Promise<string> => {
      if (configured !== undefined) return configured;
      let domain = seen.get(nodeId);
      if (domain === undefined) seen.set(nodeId, (domain = await domains.domainFor(nodeId)));
      return domain;
    };
  };
  const liveState = (): LiveState => {
    if (deps.live === undefined) throw nodeUnavailable();
    return deps.live;
  };

  const userCdrs = async (c: Context<AppEnv>, user: string) => {
    const { calls, unavailable } = liveState().callsForUser(user);
    if (unavailable.length > 0) throw nodeUnavailable();
    const now = Date.now();
    const domainOf = domainLookup();
    const cdrs: UserCdr[] = [];
    for (const { nodeId, call } of calls) {
      if (!isLive(call)) continue;
      const cdr = activeCdr(call, user, { domain: await domainOf(nodeId), now });
      cdrs.push({ ...cdr, uuid: call.id, state: callProgress(call) });
    }
    cdrs.sort(byStartTime);
    return respond(c, 200, 'cdrs', cdrs, { headers: NO_STORE });
  };

  app.get('/my/activecdrs', (c) => userCdrs(c, currentUser(c).userName));

  app.get('/activecdrs/:user', requireAdmin, (c) => {
    const user = c.req.param('user');
    if (!CDR_USER_RE.test(user)) throw badRequest('not a user name', 'user');
    return userCdrs(c, user);
  });

  app.get('/api/activecalls', requireAdmin, async (c) => {
    const live = liveState();
    const now = Date.now();
    const domainOf = domainLookup();
    const calls: AdminCall[] = [];
    const unavailableNodes: string[] = [];
    for (const nodeId of live.nodeIds()) {
      const node = live.node(nodeId);
      if (node === undefined || !node.synced) {
        unavailableNodes.push(nodeId);
        continue;
      }
      const domain = await domainOf(nodeId);
      for (const call of node.calls.calls.values())
        if (isLive(call)) calls.push(adminCall(call, nodeId, domain, now));
    }
    if (unavailableNodes.length > 0 && unavailableNodes.length === live.nodeIds().length)
      throw nodeUnavailable();
    calls.sort(byStartTime);
    return respondJson(c, 200, { cdrs: calls, unavailableNodes });
  });
}

function adminCall(call: Call, node: string, domain: string, now: number): AdminCall {
  const origin = call.legs.find((leg) => leg.uuid === call.id) ?? call.legs[0];
  // Seen from the caller: activeCdr's from/to/recipient do not depend on whose view it is.
  const cdr = activeCdr(call, '', { domain, now });
  return {
    ...cdr,
    direction: origin?.direction === 'inbound' ? 'INCOMING' : 'OUTGOING',
    uuid: call.id,
    node,
    state: callProgress(call),
    legs: call.legs.map(adminLeg),
  };
}
