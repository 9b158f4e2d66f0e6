// Admin API for conferences: GET/POST /api/conferences, GET/PUT/DELETE /api/conferences/{name}.
// JSON in and out; any owner, any settings. 409 on a taken name or extension, 400 naming the field.
// A running conference is ended in FreeSWITCH before its record is deleted, and its name is not given
// to a new conference while FreeSWITCH still runs one by that name (control/conference-end.ts).
import type { Hono } from 'hono';
import {
  adminConferenceView,
  applyConferenceChange,
  CONFERENCE_NAME_RE,
  newConference,
} from '../../domain/conferences.js';
import type { AppDeps } from '../app-deps.js';
import { requireAdmin } from '../auth.js';
import { jsonBody } from '../body.js';
import { currentUser, type AppEnv } from '../context.js';
import { badRequest, HttpError, notFound } from '../errors.js';
import { respondJson } from '../represent.js';
import { createConferenceSchema, updateConferenceSchema } from '../schemas.js';

export function registerAdminConferenceRoutes(app: Hono<AppEnv>, deps: AppDeps): void {
  const { store } = deps;
  const existing = async (name: string) => {
    const conf = CONFERENCE_NAME_RE.test(name) ? await store.getConference(name) : undefined;
    if (!conf) throw notFound('unknown conference');
    return conf;
  };

  app.get('/api/conferences', requireAdmin, async (c) =>
    respondJson(c, 200, { conferences: (await store.listConferences()).map(adminConferenceView) }),
  );

  app.post('/api/conferences', requireAdmin, ...jsonBody(createConferenceSchema), async (c) => {
    const input = c.req.valid('json');
    // the live state is keyed by name: its members would show as the new conference's
    if (deps.live.conferenceNode(input.name) !== undefined)
      throw new HttpError(409, `a conference named ${input.name} is still running in FreeSWITCH`, {
        field: 'name',
      });
    const saved = await store.createConference(newConference(input));
    deps.logger.info(
      { conference: saved.name, owner: saved.owner, by: currentUser(c).userName },
      'conference created',
    );
    c.header('Location', `/api/conferences/${encodeURIComponent(saved.name)}`);
    return respondJson(c, 201, adminConferenceView(saved));
  });

  app.get('/api/conferences/:name', requireAdmin, async (c) =>
    respondJson(c, 200, adminConferenceView(await existing(c.req.param('name')))),
  );

  app.put('/api/conferences/:name', requireAdmin, ...jsonBody(updateConferenceSchema), async (c) => {
    const current = await existing(c.req.param('name'));
    const { name, ...change } = c.req.valid('json');
    if (name !== undefined && name !== current.name)
      throw badRequest("invalid field 'name': cannot change", 'name');
    const saved = await store.updateConference(current.name, (conf) => applyConferenceChange(conf, change));
    deps.logger.info({ conference: saved.name, by: currentUser(c).userName }, 'conference updated');
    return respondJson(c, 200, adminConferenceView(saved));
  });

  app.delete('/api/conferences/:name', requireAdmin, async (c) => {
    const current = await existing(c.req.param('name'));
    if (deps.control.isRunning(current.name)) {
      // disabled first: the dialplan refuses new callers while the members are hung up
      const setEnabled = (enabled: boolean) =>
        store.updateConference(current.name, (conf) => ({ ...conf, enabled }));
      if (current.enabled) await setEnabled(false);
      try {
        await deps.control.endConference(current.name);
      } catch (err) {
        if (current.enabled) await setEnabled(true);
        throw err;
      }
      deps.logger.info({ conference: current.name }, 'running conference ended before deletion');
    }
    await store.deleteConference(current.name);
    deps.logger.info({ conference: current.name, by: currentUser(c).userName }, 'conference deleted');
    return c.body(null, 204);
  });
}
