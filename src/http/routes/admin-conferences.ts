// Admin API for conferences: GET/POST /api/conferences, GET/PUT/DELETE /api/conferences/{name}.
// JSON in and out; any owner, any settings. 409 on a taken name or extension, 400 naming the field.
import type { Hono } from 'hono';
import {
  adminConferenceView,
  applyConferenceChange,
  CONFERENCE_NAME_RE,
  newConference,
} from '../../domain/conferences.js';
import type { AppDeps } from '../app.js';
import { requireAdmin } from '../auth.js';
import { jsonBody } from '../body.js';
import { currentUser, type AppEnv } from '../context.js';
import { badRequest, notFound } from '../errors.js';
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
    const saved = await store.createConference(newConference(c.req.valid('json')));
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
    await store.deleteConference(current.name);
    deps.logger.info({ conference: current.name, by: currentUser(c).userName }, 'conference deleted');
    return c.body(null, 204);
  });
}
