// GET|PUT /my/conference/{confName}/{command}[&arg...]: a conference command, validated by the command
// table (src/domain/commands.ts) before anything is sent. Both verbs run it: sipX's docs say PUT, its
// code ran commands on GET, and clients use both. Order of answers: 404 unknown conference, 403 not
// owner/delegate/admin, 400 no/unknown command or bad argument, 404/403 for transfer's target, then
// 503 (node not in sync), 406 (not running; dial/bgdial/invite/inviteim start it instead).
import type { Context, Hono } from 'hono';
import { extraOwnershipTarget, parseConferenceCommand } from '../../domain/conference-command.js';
import { canControlConference } from '../../domain/ownership.js';
import type { RouteDeps } from '../app.js';
import { executeCommand } from '../command-execution.js';
import { commandContext, dialsOut, rawCommandTarget } from '../command-request.js';
import { controlledConference } from '../conference-access.js';
import { currentUser, type AppEnv } from '../context.js';
import { badRequest, forbidden, HttpError, notFound } from '../errors.js';
import { findLiveConference, nodeToStartOn } from '../live-conference.js';
import { PendingRecordings } from '../live-wait.js';

// `[\s\S]`, not `.`: a decoded CR/LF in the tail must reach the grammar (400), not miss the route (404).
const PATHS = [
  '/my/conference/:confName',
  '/my/conference/:confName/',
  '/my/conference/:confName/:command{[\\s\\S]+}',
];

export function registerConferenceCommandRoutes(app: Hono<AppEnv>, deps: RouteDeps): void {
  const { store, config, logger, domains, dialPolicy } = deps;
  const execution = { ...deps, pendingRecordings: new PendingRecordings() };

  /** The SIP domain for a dialling command: of the node that hosts the conference or will start it. */
  const domainFor = async (confName: string): Promise<string> => {
    if (config.fsDomain !== undefined) return config.fsDomain;
    const found = findLiveConference(deps.live, confName);
    return domains.domainFor(found.running ? found.nodeId : nodeToStartOn(deps.live, deps.esl));
  };

  const run = async (c: Context<AppEnv>): Promise<Response> => {
    if (c.req.method === 'HEAD')
      // Hono answers HEAD with GET handlers; a HEAD must not run a command.
      throw new HttpError(405, 'method not allowed', { headers: { Allow: 'GET, PUT' } });
    const user = currentUser(c);
    const target = rawCommandTarget(c);
    const conf = await controlledConference(c, store, target.conferenceName ?? '');
    if (target.tail === '') throw badRequest('no command');

    const domain = dialsOut(target.tail) ? await domainFor(conf.name) : '';
    const ctx = commandContext({ conf, config, dialPolicy, domain, store, placedBy: user.userName });
    const parsed = await parseConferenceCommand(target.tail, ctx);
    if (!parsed.ok) throw badRequest(parsed.error);
    const cmd = parsed.command;

    const other = extraOwnershipTarget(cmd);
    if (other !== undefined) {
      const targetConf = await store.getConference(other);
      if (targetConf === undefined) throw notFound('unknown target conference');
      if (!canControlConference(user, targetConf))
        throw forbidden('not the owner or a delegate of the target conference');
    }

    const outcome = await executeCommand(c, execution, conf, cmd);
    logger.info(
      { conference: conf.name, command: cmd.name, by: user.userName, status: outcome.response.status },
      outcome.sent ? 'conference command sent' : 'conference command answered from live state',
    );
    return outcome.response;
  };

  for (const path of PATHS) {
    app.get(path, run);
    app.put(path, run);
  }
}
