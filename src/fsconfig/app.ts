// The HTTP face of the fsconfig endpoint: `POST /fsconfig`, the URL in freeswitch/xml_curl.conf.xml.
// It runs on its own listener (server.ts), never on the user API's, and it knows nothing of users'
// passwords: the only credential it takes is mod_xml_curl's gateway-credentials `freeswitch:<secret>`
// (FSCONFIG_SECRET), from an address FSCONFIG_ALLOW admits.
import { createHash, timingSafeEqual } from 'node:crypto';
import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import { allowListMatcher } from '../net/allow-list.js';
import { answerFetch, type AnswerOptions } from './answer.js';
import { MAX_BODY_BYTES, parseFetchRequest } from './fetch-request.js';

export const FSCONFIG_PATH = '/fsconfig';
/** The user name in xml_curl.conf.xml's gateway-credentials. */
export const FSCONFIG_USER = 'freeswitch';

export interface FsconfigAppDeps {
  store: Store;
  logger: Logger;
  secret: string;
  /** FSCONFIG_ALLOW entries; empty admits any address that reaches the listener. */
  allow: readonly string[];
  answer: AnswerOptions;
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Compares `user:password` from a Basic header with the expected pair in constant time. */
export function basicMatches(header: string | undefined, user: string, secret: string): boolean {
  if (header === undefined || header.length > 1024) return false;
  const match = /^Basic ([A-Za-z0-9+/]+={0,2})$/i.exec(header.trim());
  if (!match) return false;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  // Hashing first keeps the comparison constant-time whatever the lengths.
  return timingSafeEqual(digest(decoded), digest(`${user}:${secret}`));
}

function clientAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}

export function createFsconfigApp(deps: FsconfigAppDeps): Hono {
  const app = new Hono();
  const allowed = allowListMatcher(deps.allow);
  const log = deps.logger.child({ part: 'fsconfig' });
  const plain = (c: Context, status: 401 | 403 | 404 | 405 | 400 | 413 | 500, text: string) =>
    c.text(`${text}\n`, status, { 'Cache-Control': 'no-store' });

  app.onError((err, c) => {
    log.error({ err: err.name, message: err.message }, 'fsconfig answer failed');
    return plain(c, 500, 'internal error');
  });

  // Address first, then the secret: a refused address learns nothing about the secret.
  app.use('*', async (c, next) => {
    const address = clientAddress(c);
    if (!allowed(address)) {
      log.warn(
        { client: address ?? 'unknown' },
        'fsconfig fetch from an address FSCONFIG_ALLOW does not admit',
      );
      return plain(c, 403, 'forbidden');
    }
    if (!basicMatches(c.req.header('authorization'), FSCONFIG_USER, deps.secret)) {
      log.warn({ client: address ?? 'unknown' }, 'fsconfig fetch without the FreeSWITCH credentials');
      c.header('WWW-Authenticate', 'Basic realm="fsconfig"');
      return plain(c, 401, 'unauthorized');
    }
    await next();
  });

  app.post(
    FSCONFIG_PATH,
    bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => plain(c, 413, 'request body too large') }),
    async (c) => {
      const started = performance.now();
      const parsed = parseFetchRequest(await c.req.text());
      if (!parsed.ok) return plain(c, 400, parsed.error);
      const answer = await answerFetch(parsed.request, deps.store, deps.answer);
      log.debug(
        {
          section: parsed.request.section,
          answered: answer.found ? answer.kind : 'not found',
          ...(answer.found ? { subject: answer.subject } : {}),
          ms: Math.round((performance.now() - started) * 10) / 10,
        },
        'fsconfig fetch',
      );
      return c.body(answer.xml, 200, {
        'Content-Type': 'text/xml; charset=utf-8',
        'Cache-Control': 'no-store',
      });
    },
  );
  app.all(FSCONFIG_PATH, (c) => {
    c.header('Allow', 'POST');
    return plain(c, 405, 'method not allowed');
  });
  app.notFound((c) => plain(c, 404, 'not found'));
  return app;
}
