// Admin API for users: GET/POST /api/users, GET/PUT/DELETE /api/users/{userName}. JSON in and out
// (sipX /api style: a list wrapped in {"users": [...]}, a single user as a bare object).
// Hashes and SIP passwords never appear in a response.
import type { Hono } from 'hono';
import { newUser, prepareUserChange, publicUser, USER_NAME_RE } from '../../domain/users.js';
import { ConflictError } from '../../store/store.js';
import type { AppDeps } from '../app-deps.js';
import { requireAdmin } from '../auth.js';
import { jsonBody } from '../body.js';
import { currentUser, type AppEnv } from '../context.js';
import { badRequest, notFound } from '../errors.js';
import { respondJson } from '../represent.js';
import { createUserSchema, updateUserSchema } from '../schemas.js';

export function registerAdminUserRoutes(app: Hono<AppEnv>, deps: AppDeps): void {
  const { store } = deps;
  const credentials = {
    sipDomain: deps.settings.fsDomain,
    ...(deps.passwordScrypt ? { scrypt: deps.passwordScrypt } : {}),
  };
  const existing = async (userName: string) => {
    const user = USER_NAME_RE.test(userName) ? await store.getUser(userName) : undefined;
    if (!user) throw notFound('unknown user');
    return user;
  };
  /** Refuses to remove the last admin: the admin API would become unreachable until a restart. */
  const keepOneAdmin = async (userName: string) => {
    const admins = (await store.listUsers()).filter((u) => u.role === 'admin');
    if (admins.length === 1 && admins[0]?.userName === userName)
      throw new ConflictError('role', 'cannot remove the last admin');
  };

  app.get('/api/users', requireAdmin, async (c) =>
    respondJson(c, 200, { users: (await store.listUsers()).map(publicUser) }),
  );

  app.post('/api/users', requireAdmin, ...jsonBody(createUserSchema), async (c) => {
    const body = c.req.valid('json');
    const saved = await store.createUser(await newUser(body, credentials));
    deps.logger.info(
      { userName: saved.userName, role: saved.role, by: currentUser(c).userName },
      'user created',
    );
    c.header('Location', `/api/users/${encodeURIComponent(saved.userName)}`);
    return respondJson(c, 201, publicUser(saved));
  });

  app.get('/api/users/:userName', requireAdmin, async (c) =>
    respondJson(c, 200, publicUser(await existing(c.req.param('userName')))),
  );

  app.put('/api/users/:userName', requireAdmin, ...jsonBody(updateUserSchema), async (c) => {
    const current = await existing(c.req.param('userName'));
    const { userName, imId, ...rest } = c.req.valid('json');
    if (userName !== undefined && userName !== current.userName)
      throw badRequest("invalid field 'userName': cannot change", 'userName');
    if (rest.role === 'user' && current.role === 'admin') await keepOneAdmin(current.userName);
    const change = await prepareUserChange(
      { ...rest, ...(imId !== undefined ? { imId: imId || null } : {}) },
      credentials,
    );
    const saved = await store.updateUser(current.userName, change);
    deps.logger.info({ userName: saved.userName, by: currentUser(c).userName }, 'user updated');
    return respondJson(c, 200, publicUser(saved));
  });

  app.delete('/api/users/:userName', requireAdmin, async (c) => {
    const current = await existing(c.req.param('userName'));
    if (current.role === 'admin') await keepOneAdmin(current.userName);
    await store.deleteUser(current.userName);
    deps.logger.info({ userName: current.userName, by: currentUser(c).userName }, 'user deleted');
    return c.body(null, 204);
  });
}
