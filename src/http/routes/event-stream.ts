// GET /events: the live event stream over WebSocket. The upgrade request passes the same auth
// middleware as every REST route (HTTP Basic; a browser sends the credentials it used for the page),
// so a refused login is a plain 401/429 before any upgrade. `?conference=NAME` subscribes to one
// conference, with the same 404/403 as /my/conferencedetails/NAME.
//
// Browsers attach cached Basic credentials to any page's WebSocket to this host, and WebSockets are
// not bound by CORS: a hostile page could read a logged-in user's stream (cross-site WebSocket
// hijacking). So a request that carries an Origin (browsers always send one) must come from this
// host's own pages, like the wallboard; programs that send no Origin are not affected.
import { upgradeWebSocket } from '@hono/node-server';
import type { Hono } from 'hono';
import { WebSocketServer } from 'ws';
import { STREAM_PATH } from '../../ws/protocol.js';
import { isStreamSocket } from '../../ws/stream-client.js';
import type { AppDeps } from '../app-deps.js';
import { controlledConference } from '../conference-access.js';
import { currentUser, type AppEnv } from '../context.js';
import { forbidden, HttpError } from '../errors.js';

/** Clients send nothing the stream reads; anything bigger than this closes the socket (1009). */
const MAX_CLIENT_MESSAGE_BYTES = 4096;

/** The WebSocketServer to hand to @hono/node-server's serve({ websocket: { server } }). */
export function createStreamServer(): WebSocketServer {
  return new WebSocketServer({
    noServer: true,
    maxPayload: MAX_CLIENT_MESSAGE_BYTES,
    // Compression would cost CPU per client per message and hold zlib memory per socket.
    perMessageDeflate: false,
  });
}

/** True without an Origin (not a browser), else when the Origin names the host the request went to. */
export function sameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  if (host === undefined || origin === 'null') return false;
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host === host.toLowerCase();
  } catch {
    return false;
  }
}

export function registerEventStreamRoutes(app: Hono<AppEnv>, deps: AppDeps): void {
  app.get(STREAM_PATH, async (c, next) => {
    const stream = deps.events;
    const user = currentUser(c);
    if (!sameOrigin(c.req.header('origin'), c.req.header('host')))
      throw forbidden('the event stream only accepts pages served by this daemon');
    const only = c.req.query('conference');
    const conference =
      only === undefined ? undefined : (await controlledConference(c, deps.store, only)).name;
    if (c.req.header('upgrade')?.toLowerCase() !== 'websocket')
      throw new HttpError(426, 'this resource is a WebSocket; send an upgrade request', {
        headers: { Upgrade: 'websocket' },
      });
    const admission = stream.admission(user.userName);
    if (admission !== 'ok')
      throw new HttpError(admission === 'user-full' ? 429 : 503, 'too many event streams; try again later', {
        headers: { 'Retry-After': '5' },
      });
    const subscriber = { userName: user.userName, role: user.role, conference };
    const upgrade = upgradeWebSocket(() => ({
      onOpen: (_event, ws) => {
        if (isStreamSocket(ws.raw)) stream.attach(ws.raw, subscriber);
        else ws.close(1011, 'unsupported socket');
      },
    }));
    return upgrade(c, next);
  });
}
