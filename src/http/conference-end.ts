// Ending a running conference in FreeSWITCH before its record goes (DELETE /api/conferences/{name}):
// `conference <name> hup all` on the node hosting it, then wait until the live state shows it gone, so
// nobody is left in a conference no record controls, and a conference created again under the name
// never shows the old members to its new owner. The live state is keyed by name: until the old one is
// gone the name is not free (admin-conferences.ts refuses to create it).
import { toEslLine } from '../domain/esl-line.js';
import type { EslPool } from '../esl/pool.js';
import type { LiveState } from '../state/node-state.js';
import { HttpError, nodeUnavailable } from './errors.js';
import { findLiveConference } from './live-conference.js';
import { untilLiveState } from '../control/state-wait.js';

export interface ConferenceEndDeps {
  live: LiveState;
  esl: EslPool | undefined;
  /** How long FreeSWITCH may take to hang the members up (ESL_TIMEOUT_MS). */
  timeoutMs: number;
}

export const notEnded = (name: string, why: string) =>
  new HttpError(409, `conference ${name} is running and could not be ended (${why}); try again`);

/** Whether `name` runs (on a node in sync); 503 while that cannot be known. */
export function isRunning(live: LiveState, name: string): boolean {
  return findLiveConference(live, name).running;
}

/**
 * Hangs up every member of the running conference `name` and resolves once FreeSWITCH reported it
 * destroyed. Throws 503 when a node's state is unknown, 409 when FreeSWITCH refuses or is too slow.
 */
export async function endConference(deps: ConferenceEndDeps, name: string): Promise<void> {
  const found = findLiveConference(deps.live, name);
  if (!found.running) return;
  const client = deps.esl?.get(found.nodeId);
  if (client === undefined) throw nodeUnavailable();
  const reply = await client.api(toEslLine(['conference', name, 'hup', 'all']));
  // "-ERR Conference <name> not found": it ended meanwhile, which is what was asked
  if (reply.startsWith('-ERR') && !/not found/i.test(reply)) throw notEnded(name, reply.trim());
  const gone = () => deps.live.conference(name) === undefined;
  if (!(await untilLiveState(deps.live, gone, deps.timeoutMs))) throw notEnded(name, 'members still in it');
}
