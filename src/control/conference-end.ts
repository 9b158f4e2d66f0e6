// Ending a running conference in FreeSWITCH before its record goes (DELETE /api/conferences/{name}):
// `conference <name> hup all` on the node hosting it, then wait until the live state shows it gone, so
// nobody is left in a conference no record controls, and a conference created again under the name
// never shows the old members to its new owner. The live state is keyed by name: until the old one is
// gone the name is not free (the admin route refuses to create it).
import { toEslLine } from '../domain/esl-line.js';
import { ControlError } from './errors.js';
import type { FreeswitchNodes } from './freeswitch-nodes.js';

export const notEnded = (name: string, why: string) =>
  new ControlError(409, `conference ${name} is running and could not be ended (${why}); try again`);

/**
 * Hangs up every member of the running conference `name` and resolves once FreeSWITCH reported it
 * destroyed. Throws 503 when a node's state is unknown, 409 when FreeSWITCH refuses or is too slow
 * (`timeoutMs`: how long FreeSWITCH may take to hang the members up).
 */
export async function endConference(nodes: FreeswitchNodes, name: string, timeoutMs: number): Promise<void> {
  const where = nodes.conference(name);
  if (where.found !== 'running') return;
  const reply = await nodes.api(where.nodeId, toEslLine(['conference', name, 'hup', 'all']));
  // "-ERR Conference <name> not found": it ended meanwhile, which is what was asked
  if (reply.startsWith('-ERR') && !/not found/i.test(reply)) throw notEnded(name, reply.trim());
  const gone = () => nodes.live.conference(name) === undefined;
  if (!(await nodes.until(gone, timeoutMs))) throw notEnded(name, 'members still in it');
}
