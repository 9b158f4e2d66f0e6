// Keeps an HTTP listener answering under a flood of idle connections, and lets it stop without cutting
// a request in half. Node's defaults accept connections until the process runs out of descriptors and
// wait a minute for a request's headers; here every connection is counted (connection-table.ts, which
// also decides which one to close when a cap is reached: never one whose request is being answered),
// and headers must arrive within seconds.
//
// Shutdown (drain → settled): in-flight responses are sent with `Connection: close`, waiting
// connections are closed, and settled() tells when the last in-flight request has been answered.
// New requests meanwhile are the app's to refuse (503), see `stopping` in http/app.ts.
import type { IncomingMessage, Server, ServerOptions, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '../log.js';
import { addressGroup, ConnectionTable, type ConnectionLimits } from './connection-table.js';

/**
 * Timeouts of the API listener. Headers come in one packet from any real client, so 10 s is generous;
 * bodies are at most 64 KiB; keep-alive matches Node's default. Node checks them every second.
 */
export const HTTP_SERVER_OPTIONS: ServerOptions = {
  headersTimeout: 10_000,
  requestTimeout: 30_000,
  keepAliveTimeout: 5_000,
  connectionsCheckingInterval: 1_000,
};

type UpgradeListener = (req: IncomingMessage, socket: Socket, head: Buffer) => void;

/** At most one warning per this long while caps are being hit. */
const WARN_EVERY_MS = 10_000;

export interface GuardStats {
  open: number;
  waiting: number;
  requestsInFlight: number;
  /** Waiting connections closed to make room, since start. */
  evicted: number;
  /** New connections closed because a cap was full of busy connections, since start. */
  refused: number;
}

export class ConnectionGuard {
  private readonly table: ConnectionTable<Socket>;
  private readonly responses = new Map<Socket, Set<ServerResponse>>();
  private readonly counts = { evicted: 0, refused: 0 };
  private unreported = { evicted: 0, refused: 0 };
  private lastWarning = -Infinity;
  private isDraining = false;
  private settledWaiters: Array<() => void> = [];

  constructor(
    server: Server,
    readonly limits: ConnectionLimits,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.table = new ConnectionTable<Socket>(limits);
    server.on('connection', (socket: Socket) => this.onConnection(socket));
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this.onRequest(req, res));
    // @hono/node-server answers a refused WebSocket upgrade only while it is the sole 'upgrade'
    // listener, so its listener is wrapped rather than joined by a second one.
    const upgrades = server.listeners('upgrade') as UpgradeListener[];
    server.removeAllListeners('upgrade');
    server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      if (!this.onUpgrade(req, socket)) return;
      for (const listener of upgrades) listener.call(server, req, socket, head);
    });
  }

  get draining(): boolean {
    return this.isDraining;
  }

  stats(): GuardStats {
    return {
      open: this.table.size,
      waiting: this.table.waitingCount,
      requestsInFlight: this.table.requestsInFlight,
      ...this.counts,
    };
  }

  /** Shutdown begins: no more keep-alive, waiting connections closed. Call server.close() too. */
  drain(): void {
    this.isDraining = true;
    for (const responses of this.responses.values())
      for (const res of responses) if (!res.headersSent) res.setHeader('Connection', 'close');
    for (const socket of this.table.waitingConnections()) socket.destroy();
    this.checkSettled();
  }

  /** Closes every connection still open, streams included (the end of shutdown). */
  closeAll(): void {
    for (const socket of this.table.all()) socket.destroy();
  }

  /** Resolves true once no request is in flight, false if `timeoutMs` passes first. */
  settled(timeoutMs: number): Promise<boolean> {
    if (this.table.requestsInFlight === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.settledWaiters = this.settledWaiters.filter((w) => w !== done);
        resolve(false);
      }, timeoutMs);
      this.settledWaiters.push(done);
    });
  }

  private onConnection(socket: Socket): void {
    if (socket.destroyed) return;
    if (this.isDraining) {
      socket.destroy();
      return;
    }
    const admission = this.table.admit(socket, addressGroup(socket.remoteAddress ?? 'unknown'));
    if (!admission.admitted) {
      this.counts.refused++;
      this.unreported.refused++;
      socket.destroy();
      this.warnAtMostSometimes();
      return;
    }
    socket.once('close', () => {
      this.table.remove(socket);
      this.responses.delete(socket);
      this.checkSettled();
    });
    if (admission.evict.length === 0) return;
    for (const victim of admission.evict) victim.destroy();
    this.counts.evicted += admission.evict.length;
    this.unreported.evicted += admission.evict.length;
    this.warnAtMostSometimes();
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const socket = req.socket;
    this.table.requestStarted(socket);
    let responses = this.responses.get(socket);
    if (responses === undefined) this.responses.set(socket, (responses = new Set()));
    responses.add(res);
    if (this.isDraining) res.setHeader('Connection', 'close');
    res.once('close', () => {
      responses.delete(res);
      const waiting = this.table.requestEnded(socket);
      // The response has been written (or the socket is gone): nothing is lost by closing now.
      if (waiting && this.isDraining) socket.destroy();
      this.checkSettled();
    });
  }

  /** False when the upgrade is refused here. */
  private onUpgrade(req: IncomingMessage, socket: Socket): boolean {
    // Only WebSocket upgrades are served; any other would sit outside Node's timeouts, so close it.
    if (req.headers.upgrade?.toLowerCase() !== 'websocket') {
      socket.destroy();
      return false;
    }
    this.table.upgraded(socket);
    return true;
  }

  private checkSettled(): void {
    if (this.table.requestsInFlight !== 0 || this.settledWaiters.length === 0) return;
    const waiters = this.settledWaiters;
    this.settledWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private warnAtMostSometimes(): void {
    const now = this.now();
    if (now - this.lastWarning < WARN_EVERY_MS) return;
    this.lastWarning = now;
    this.logger.warn(
      { ...this.unreported, open: this.table.size, limits: this.limits },
      'HTTP connection cap reached: closed connections that had not sent a request',
    );
    this.unreported = { evicted: 0, refused: 0 };
  }
}
