// Running conferences from the tracked state (never by asking FreeSWITCH per request):
//   GET /api/activeconferences   every running conference on every node (admin, JSON), with the nodes
//                                not in sync named (as /api/activecalls does)
//   GET /my/activeconferences    the running ones among the user's own and delegated conferences
//                                (XML or JSON); 503 while a node is not in sync, as /my/activecdrs
import type { Context, Hono } from 'hono';
import { activeConference, byName, type ActiveConference } from '../../state/active-conference.js';
import { nodesBySync } from '../../state/live-lookups.js';
import type { AppDeps } from '../app-deps.js';
import { requireAdmin } from '../auth.js';
import { currentUser, type AppEnv } from '../context.js';
import { nodeUnavailable } from '../errors.js';
import { respond, respondJson } from '../represent.js';

const NO_STORE = { 'Cache-Control': 'no-store' } as const;

export function registerActiveConferenceRoutes(app: Hono<AppEnv>, deps: AppDeps): void {
  app.get('/api/activeconferences', requireAdmin, (c) => {
    const live = deps.live;
    const conferences: ActiveConference[] = [];
    const { synced, unavailable: unavailableNodes } = nodesBySync(live);
    for (const node of synced)
      for (const conference of node.conferences.conferences.values())
        conferences.push(activeConference(node.nodeId, conference));
    if (synced.length === 0 && unavailableNodes.length > 0) throw nodeUnavailable();
    conferences.sort(byName);
    c.header('Cache-Control', 'no-store');
    return respondJson(c, 200, { conferences, unavailableNodes });
  });

  const mine = async (c: Context<AppEnv>) => {
    const live = deps.live;
    for (const nodeId of live.nodeIds()) if (live.node(nodeId)?.synced !== true) throw nodeUnavailable();
    const user = currentUser(c);
    const names = new Set<string>();
    for (const conf of await deps.store.conferencesOwnedBy(user.userName)) names.add(conf.name);
    for (const conf of await deps.store.conferencesDelegatedTo(user.userName)) names.add(conf.name);
    const running: ActiveConference[] = [];
    for (const name of names) {
      const found = live.conference(name);
      if (found !== undefined) running.push(activeConference(found.nodeId, found.conference));
    }
    running.sort(byName);
    return respond(c, 200, 'active-conferences', running, {
      itemNames: { 'active-conferences': 'conference' },
      headers: NO_STORE,
    });
  };
  app.get('/my/activeconferences', mine);
}
