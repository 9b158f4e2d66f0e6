// The Hono environment every route shares: Node bindings (for the client address) and what the
// middleware stores per request.
import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';
import type { User } from '../domain/users.js';
import type { Format } from './represent.js';

export type AppEnv = {
  /** Absent when the app is driven by `app.request()` in tests. */
  Bindings: Partial<HttpBindings>;
  Variables: {
    /** Set by the auth middleware on every authenticated request. */
    user: User;
    /** Set by route families whose representation is fixed (the admin API is JSON only). */
    representation: Format | undefined;
  };
};

/** The authenticated user. Only valid behind the auth middleware (every route but the public ones). */
export function currentUser(c: Context<AppEnv>): User {
  const user = c.get('user');
  if (!user) throw new Error('currentUser() called on a route without authentication');
  return user;
}
