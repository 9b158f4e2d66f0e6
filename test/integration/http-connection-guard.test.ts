// The connection guard on a real listener over loopback: a flood of sockets that never finish their
// headers, from many 127.0.0.x addresses, does not keep a real request out; requests being answered
// are never cut; slow headers time out; shutdown lets in-flight requests finish with Connection: close.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionGuard, HTTP_SERVER_OPTIONS } from '../../src/net/connection-guard.js';
import { capturedLogger } from '../helpers/daemon-harness.js';
import { eventually } from '../helpers/eventually.js';

interface Fixture {
  server: Server;
  guard: ConnectionGuard;
  port: number;
  logs: string[];
  /** Requests to /hold wait until release() is called. */
  release(): void;
}

const sockets: Socket[] = [];
let fixture: Fixture | undefined;

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  if (fixture) {
    fixture.release();
    fixture.server.closeAllConnections();
    await new Promise((resolve) => fixture!.server.close(resolve));
    fixture = undefined;
  }
});

async function start(
  limits: { total: number; perAddress: number },
  options: Partial<typeof HTTP_SERVER_OPTIONS> = {},
): Promise<Fixture> {
  let release!: () => void;
  let held = new Promise<void>((resolve) => (release = resolve));
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const answer = () => res.end(`answered ${req.url}`);
    if (req.url === '/hold') void held.then(answer);
    else if (req.url === '/slow') setTimeout(answer, 600);
    else answer();
  };
  const server = createServer({ ...HTTP_SERVER_OPTIONS, ...options }, handler);
  const { logger, logs } = capturedLogger();
  const guard = new ConnectionGuard(server, limits, logger);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  fixture = {
    server,
    guard,
    port,
    logs,
    release: () => {
      release();
      held = Promise.resolve();
    },
  };
  return fixture;
}

/** A socket from `localAddress` that sends the start of a request and never finishes its headers. */
function slowHeaders(port: number, localAddress: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress }, () => {
      socket.write('GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ');
      resolve(socket);
    });
    socket.on('error', () => undefined);
    socket.once('error', reject);
    sockets.push(socket);
  });
}

const closed = (socket: Socket) =>
  socket.destroyed || socket.readyState === 'closed'
    ? Promise.resolve()
    : new Promise<void>((resolve) => socket.once('close', () => resolve()));

/** One raw HTTP/1.1 request on a fresh connection; resolves with the whole reply text. */
function rawRequest(port: number, text: string, localAddress = '127.0.0.1'): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress }, () => socket.write(text));
    sockets.push(socket);
    let reply = '';
    socket.on('data', (chunk) => (reply += chunk.toString()));
    socket.on('close', () => resolve(reply));
    socket.on('error', reject);
  });
}

describe('connection caps', () => {
  it('a flood of slow-header sockets from many addresses leaves room for a real request', async () => {
    const { port, guard, logs } = await start({ total: 40, perAddress: 10 });
    const flood: Socket[] = [];
    for (let i = 0; i < 200; i++) flood.push(await slowHeaders(port, `127.0.0.${2 + (i % 50)}`));
    await eventually(() => guard.stats().open <= 40);
    const reply = await rawRequest(port, 'GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(reply).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(reply).toContain('answered /health');
    expect(guard.stats().evicted).toBeGreaterThanOrEqual(160);
    // The oldest were closed first: the first sockets are gone, the last ones still open.
    await closed(flood[0]!);
    expect(flood.at(-1)!.destroyed).toBe(false);
    expect(logs.join('')).toContain('HTTP connection cap reached');
  });

  it('one address cannot take more than its share; its own oldest go first', async () => {
    const { port, guard } = await start({ total: 100, perAddress: 5 });
    const mine = await slowHeaders(port, '127.0.0.9');
    for (let i = 0; i < 30; i++) await slowHeaders(port, '127.0.0.2');
    await eventually(() => guard.stats().open === 6);
    expect(mine.destroyed).toBe(false);
  });

  it('requests being answered are never closed to make room; when all are busy, newcomers are refused', async () => {
    const { port, guard, release } = await start({ total: 4, perAddress: 4 });
    const held = [1, 2, 3, 4].map(() =>
      rawRequest(port, 'GET /hold HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', '127.0.0.3'),
    );
    await eventually(() => guard.stats().requestsInFlight === 4);
    for (let i = 0; i < 10; i++) await closed(await slowHeaders(port, '127.0.0.4').catch(() => sockets[0]!));
    expect(guard.stats().refused).toBeGreaterThanOrEqual(10);
    release();
    for (const reply of await Promise.all(held)) expect(reply).toContain('answered /hold');
  });
});

describe('timeouts', () => {
  it('headers that do not arrive in time close the connection', async () => {
    const { port } = await start(
      { total: 10, perAddress: 10 },
      { headersTimeout: 300, requestTimeout: 300, connectionsCheckingInterval: 50 },
    );
    const socket = await slowHeaders(port, '127.0.0.5');
    let reply = '';
    socket.on('data', (chunk) => (reply += chunk.toString()));
    await closed(socket);
    expect(reply).toMatch(/^HTTP\/1\.1 408/);
  });

  it('a handler slower than requestTimeout still answers (the timeout is for receiving the request)', async () => {
    const { port } = await start(
      { total: 10, perAddress: 10 },
      { headersTimeout: 200, requestTimeout: 200, connectionsCheckingInterval: 50 },
    );
    const reply = await rawRequest(port, 'GET /slow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(reply).toContain('answered /slow');
  });

  it('an upgrade to anything but WebSocket is closed instead of left without timeouts', async () => {
    const { port, guard } = await start({ total: 10, perAddress: 10 });
    const reply = await rawRequest(
      port,
      'GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n',
    );
    expect(reply).toBe('');
    await eventually(() => guard.stats().open === 0);
  });
});

describe('drain', () => {
  it('in-flight requests finish with Connection: close; waiting connections close; settled() tells', async () => {
    const { port, guard, server, release } = await start({ total: 10, perAddress: 10 });
    const idle = await slowHeaders(port, '127.0.0.6');
    const inFlight = rawRequest(port, 'GET /hold HTTP/1.1\r\nHost: x\r\n\r\n');
    await eventually(() => guard.stats().requestsInFlight === 1);
    guard.drain();
    server.close();
    await closed(idle);
    expect(await guard.settled(50)).toBe(false);
    const settled = guard.settled(10_000);
    release();
    expect(await settled).toBe(true);
    // Keep-alive was asked for (HTTP/1.1 default) but the answer closes the connection.
    const reply = await inFlight;
    expect(reply).toMatch(/connection: close/i);
    expect(reply).toContain('answered /hold');
  });
});
