// GET /wallboard/names: the names the wallboard shows beside extensions and numbers, for the parties
// the viewer can see on it: an admin everyone (every store user, every live leg and member); a user the
// parties of their own calls, the members of their own and delegated conferences, and themselves.
// `{"names": {"200": "Alice Archer", "+15551234567": "ACME Corp"}}`, from the store and the live state.
import type { Hono } from 'hono';
import { displayName } from '../../domain/display-name.js';
import type { User } from '../../domain/users.js';
import type { LiveConference } from '../../state/conferences.js';
import type { AppDeps } from '../app-deps.js';
import { currentUser, type AppEnv } from '../context.js';
import { respondJson } from '../represent.js';

/** A party as the live state shows it: whom it is (a user name or a number), and the name it gave. */
interface Party {
  key: string;
  callerIdName: string;
}

function membersOf(conference: LiveConference): Party[] {
  return [...conference.members.values()].map((m) => ({
    key: m.user ?? m.callerIdNumber,
    callerIdName: m.callerIdName,
  }));
}

export function registerWallboardNameRoutes(app: Hono<AppEnv>, deps: AppDeps): void {
  app.get('/wallboard/names', async (c) => {
    const viewer = currentUser(c);
    const live = deps.live;
    const parties: Party[] = [{ key: viewer.userName, callerIdName: '' }];
    const users = new Map<string, User>();
    if (viewer.role === 'admin') {
      for (const user of await deps.store.listUsers()) {
        users.set(user.userName, user);
        parties.push({ key: user.userName, callerIdName: '' });
      }
      for (const nodeId of live.nodeIds()) {
        const node = live.node(nodeId);
        if (node === undefined) continue;
        for (const leg of node.calls.channels.values())
          parties.push({ key: leg.user ?? leg.callerIdNumber, callerIdName: leg.callerIdName });
        for (const conference of node.conferences.conferences.values())
          parties.push(...membersOf(conference));
      }
    } else {
      for (const { call } of live.callsForUser(viewer.userName).calls)
        for (const leg of call.legs)
          parties.push({ key: leg.user ?? leg.callerIdNumber, callerIdName: leg.callerIdName });
      const conferences = [
        ...(await deps.store.conferencesOwnedBy(viewer.userName)),
        ...(await deps.store.conferencesDelegatedTo(viewer.userName)),
      ];
      for (const conf of conferences) {
        const running = live.conference(conf.name);
        if (running !== undefined) parties.push(...membersOf(running.conference));
      }
    }
    // Maps: a caller ID number is hostile (`__proto__` must stay a plain key)
    const names = new Map<string, string>();
    const looked = new Set<string>(users.keys());
    for (const party of parties) {
      if (party.key === '' || names.has(party.key)) continue;
      if (!looked.has(party.key)) {
        looked.add(party.key);
        const user = await deps.store.getUser(party.key);
        if (user !== undefined) users.set(party.key, user);
      }
      const name = displayName(party.key, users.get(party.key), party.callerIdName);
      if (name !== undefined) names.set(party.key, name);
    }
    c.header('Cache-Control', 'no-store');
    return respondJson(c, 200, { names: Object.fromEntries(names) });
  });
}
