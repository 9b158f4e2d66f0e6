// `?extended=true` on the sipX resources: their element lists are exactly sipX's by default (strict
// clients throw on anything else, see domain/sipx-elements.ts); the daemon's extras (a member's talking /
// moderator / joinTime, a cdr's uuid / state, a setting's extension and seed-003 fields) come only
// when asked for.
import type { Context } from 'hono';
import { badRequest } from './errors.js';

export const EXTENDED_PARAM = 'extended';

/** true for `?extended=true`; false when absent or `false`; anything else is a 400. */
export function wantsExtended(c: Context): boolean {
  const value = c.req.query(EXTENDED_PARAM);
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw badRequest(`invalid query '${EXTENDED_PARAM}': expected true or false`, EXTENDED_PARAM);
}
