// GET|PUT /my/conference/{confName}/{command}[&arg...]: a conference command, validated and run by
// control/ from the command table (src/domain/commands.ts) before anything is sent. Both verbs run it:
// sipX's docs say PUT, its code ran commands on GET, and clients use both. Order of answers: 404
// unknown conference, 403 not owner/delegate/admin, 400 no/unknown command or bad argument, 404/403
// for transfer's target, then 503 (node not in sync), 406 (not running; dial/bgdial/invite/inviteim
// start it instead).
import type { Context, Hono } from 'hono';
import type { AppDeps } from '../app-deps.js';
import { controlledConference } from '../conference-access.js';
import { currentUser, type AppEnv } from '../context.js';
import { HttpError } from '../errors.js';
import { rawCommandTarget } from '../paths.js';
import { respond, XML_CONTENT_TYPE } from '../represent.js';

export const COMMAND_RESPONSE = 'command-response';

// `[\s\S]`, not `.`: a decoded CR/LF in the tail must reach the grammar (400), not miss the route (404).
const PATHS = [
  '/my/conference/:confName',
  '/my/conference/:confName/',
  '/my/conference/:confName/:command{[\\s\\S]+}',
];

const NO_STORE = { 'Cache-Control': 'no-store' } as const;

export function registerConferenceCommandRoutes(app: Hono<AppEnv>, deps: AppDeps): void {
  const { store, logger, control } = deps;

  const run = async (c: Context<AppEnv>): Promise<Response> => {
    if (c.req.method === 'HEAD')
      // Hono answers HEAD with GET handlers; a HEAD must not run a command.
      throw new HttpError(405, 'method not allowed', { headers: { Allow: 'GET, PUT' } });
    const user = currentUser(c);
    const target = rawCommandTarget(c);
    const conf = await controlledConference(c, store, target.conferenceName ?? '');
    const answer = await control.conferences.run(user, conf, target.tail);
    logger.info(
      { conference: conf.name, command: answer.command, by: user.userName, status: answer.status },
      answer.sent ? 'conference command sent' : 'conference command answered from live state',
    );
    if (answer.form === 'xml')
      return c.body(answer.body, answer.status, { ...NO_STORE, 'Content-Type': XML_CONTENT_TYPE });
    return respond(c, answer.status, COMMAND_RESPONSE, answer.body, { headers: NO_STORE });
  };

  for (const path of PATHS) {
    app.get(path, run);
    app.put(path, run);
  }
}
