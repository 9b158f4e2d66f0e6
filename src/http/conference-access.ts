// The 404/403 rule every per-conference resource applies: unknown name → 404; known but the caller is
// neither owner, delegate nor admin → 403.
import type { Context } from 'hono';
import { CONFERENCE_NAME_RE, type Conference } from '../domain/conferences.js';
import { canControlConference } from '../domain/ownership.js';
import type { Store } from '../store/store.js';
import { currentUser, type AppEnv } from './context.js';
import { forbidden, notFound } from './errors.js';

export async function controlledConference(
  c: Context<AppEnv>,
  store: Store,
  name: string,
): Promise<Conference> {
  const conf = CONFERENCE_NAME_RE.test(name) ? await store.getConference(name) : undefined;
  if (!conf) throw notFound('unknown conference');
  if (!canControlConference(currentUser(c), conf))
    throw forbidden('not the owner or a delegate of this conference');
  return conf;
}
