// GET /my/conferencedetails/{confName}: the live conference and its members, from the tracked state
// (never by asking FreeSWITCH per request). 404 unknown, 403 not owner/delegate/admin, 503 while the
// node that may host it is not in sync, 406 known but not active (no members). sipX's elements only,
// unless `?extended=true`.
import type { Hono } from 'hono';
import { conferenceDetails, type MemberIdentity } from '../../state/conference-details.js';
import type { Member } from '../../state/conferences.js';
import type { Store } from '../../store/store.js';
import type { AppDeps } from '../app-deps.js';
import { controlledConference } from '../conference-access.js';
import type { AppEnv } from '../context.js';
import { HttpError, nodeUnavailable } from '../errors.js';
import { wantsExtended } from '../extended.js';
import { lookUpConference } from '../../state/live-lookups.js';
import { respond } from '../represent.js';

/** Store users of the members (by the user FreeSWITCH's channel names), looked up once each. */
async function memberIdentities(
  store: Store,
  members: Iterable<Member>,
): Promise<Map<string, MemberIdentity>> {
  const names = new Set<string>();
  for (const m of members) if (m.user !== undefined) names.add(m.user);
  const identities = new Map<string, MemberIdentity>();
  for (const name of names) {
    const user = await store.getUser(name);
    if (user !== undefined) identities.set(name, { userName: user.userName, imId: user.imId });
  }
  return identities;
}

export function registerConferenceDetailsRoutes(app: Hono<AppEnv>, deps: AppDeps): void {
  app.get('/my/conferencedetails/:confName', async (c) => {
    const extended = wantsExtended(c);
    const conf = await controlledConference(c, deps.store, c.req.param('confName'));
    const found = lookUpConference(deps.live, conf.name);
    if (found.found === 'unknown') throw nodeUnavailable();
    if (found.found === 'absent' || found.conference.members.size === 0)
      throw new HttpError(406, `conference ${conf.name} is not active (no members)`);
    const live = found.conference;
    const identities = await memberIdentities(deps.store, live.members.values());
    const details = conferenceDetails(
      conf,
      live,
      (m) => (m.user === undefined ? undefined : identities.get(m.user)),
      { extended },
    );
    return respond(c, 200, 'conference', details, { headers: { 'Cache-Control': 'no-store' } });
  });
}
