// Behaviour of the simulated event socket beyond what the transcripts recorded, following
// mod_event_socket.c: command handling, event delivery order, bgapi, hostile input, disconnects.
import { afterEach, describe, expect, it } from 'vitest';
import esl from 'modesl';
import { buildEvent } from '../../src/sim/event-builder.js';
import { EslSimServer, type EslSimServerOptions } from '../../src/sim/server.js';
import type { SimApi, SimIdentity } from '../../src/sim/types.js';
import { afterNextPoll, RawEslClient } from '../helpers/raw-esl-client.js';
import { eventOfFrame } from '../helpers/transcript-compare.js';

let sequence = 100;
const identity: SimIdentity = {
  coreUuid: '0b4f6a2e-7a31-4c39-9f3e-1f2d3c4b5a69',
  hostname: 'sim',
  switchname: 'sim',
  ipv4: '127.0.0.1',
  ipv6: '::1',
  nextSequence: () => ++sequence,
};

/** A SimApi whose commands are given per test; anything else is FreeSWITCH's unknown-command reply. */
function api(commands: Record<string, (args: string) => Promise<string> | string>): SimApi {
  return {
    identity,
    execute: async (command, args) => {
      const fn = commands[command];
      return fn ? fn(args) : `-ERR ${command} Command not found!\n`;
    },
  };
}

const servers: EslSimServer[] = [];
const clients: RawEslClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const s of servers.splice(0)) await s.close();
});

async function start(
  commands: Parameters<typeof api>[0] = {},
  options: Partial<EslSimServerOptions> = {},
): Promise<{ server: EslSimServer; port: number }> {
  const server = new EslSimServer({ password: 'ClueCon', api: api(commands), ...options });
  servers.push(server);
  const { port } = await server.listen();
  return { server, port };
}

async function connect(port: number, auth = true): Promise<RawEslClient> {
  const c = await RawEslClient.connect(port);
  clients.push(c);
  await c.waitForFrames(1);
  if (auth) {
    c.send('auth ClueCon');
    await c.waitForFrames(2);
  }
  return c;
}

const replyTexts = (c: RawEslClient): string[] =>
  c.frames.filter((f) => f.headers['Content-Type'] === 'command/reply').map((f) => f.headers['Reply-Text']!);
const channelEvent = (name: string, uuid = 'u-1') =>
  buildEvent(identity, { name, callingFile: 'switch_channel.c', callingFunction: 'f', callingLine: 1 }, [
    ['Unique-ID', uuid],
  ]);

describe('simulated event socket', () => {
  it('before auth: commands get "-ERR command not found" and the socket stays; auth still works after', async () => {
    const { port } = await start({ status: () => 'UP\n' });
    const c = await connect(port, false);
    c.send('api status');
    c.send('auth ClueCon');
    c.send('api status');
    await c.waitForFrames(4);
    expect(replyTexts(c)).toEqual(['-ERR command not found', '+OK accepted']);
    expect(c.frames[3]!.body).toBe('UP\n');
  });

  it('exit before auth says bye and goodbye; a silent client is dropped after the auth timeout', async () => {
    const { port } = await start({}, { authTimeoutMs: 150 });
    const a = await connect(port, false);
    a.send('exit');
    await a.waitForClose();
    expect(replyTexts(a)).toEqual(['+OK bye']);
    expect(a.frames.at(-1)!.body).toBe(
      'Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n',
    );
    const b = await connect(port, false);
    await b.waitForClose(1000);
    expect(b.frames.map((f) => f.headers['Content-Type'])).toEqual([
      'auth/request',
      'text/disconnect-notice',
    ]);
  });

  it('unknown and session-only commands get FreeSWITCH replies', async () => {
    const { port } = await start();
    const c = await connect(port);
    for (const cmd of ['foo', 'api', 'linger', 'nolog', 'divert_events on', 'filter Unique-ID']) c.send(cmd);
    await c.waitForFrames(8);
    expect(replyTexts(c).slice(1)).toEqual([
      '-ERR command not found',
      '-ERR command not found',
      '-ERR not controlling a session',
      '-ERR not loging',
      '-ERR not controlling a session.',
      '-ERR invalid syntax',
    ]);
  });

  it('api: arguments as sent, "-ERR no reply" for an empty reply, a plain error when the model throws', async () => {
    const seen: string[] = [];
    const { port } = await start({
      echo: (args) => {
        seen.push(args);
        return `[${args}]\n`;
      },
      quiet: () => '',
      broken: () => {
        throw new Error('boom\nsecond line');
      },
    });
    const c = await connect(port);
    c.send('api echo a  b {x=1}');
    c.send('api quiet');
    c.send('api broken');
    c.send('api nosuch');
    await c.waitForFrames(6);
    expect(c.frames.slice(2).map((f) => f.body)).toEqual([
      '[a  b {x=1}]\n',
      '-ERR no reply\n',
      '-ERR simulator error: boom second line\n',
      '-ERR nosuch Command not found!\n',
    ]);
    expect(seen).toEqual(['a  b {x=1}']);
  });

  it('commands run one at a time; events wait for the api in progress, as in FreeSWITCH', async () => {
    let release: (v: string) => void = () => {};
    let running: () => void = () => {};
    const slowRunning = new Promise<void>((r) => (running = r));
    const { server, port } = await start({
      slow: () => new Promise<string>((r) => ((release = r), running())),
    });
    const c = await connect(port);
    c.send('event plain CHANNEL_CREATE');
    await c.waitForFrames(3);
    c.sendRaw('api slow\n\napi nosuch\n\n'); // one write: both commands are read before slow runs
    await slowRunning;
    server.publish(channelEvent('CHANNEL_CREATE'));
    release('+OK slow\n');
    await c.waitForFrames(6);
    // published while slow ran, the event still comes after both replies
    expect(c.frames.slice(3).map((f) => f.headers['Content-Type'])).toEqual([
      'api/response',
      'api/response',
      'text/event-plain',
    ]);
  });

  it('bgapi honours a Job-UUID header and fires BACKGROUND_JOB to every subscriber', async () => {
    const { port } = await start({ originate: (args) => `+OK ${args.length}\n`, status: () => 'UP\n' });
    const issuer = await connect(port);
    const watcher = await connect(port);
    const deaf = await connect(port);
    issuer.send('event json BACKGROUND_JOB');
    watcher.send('event plain BACKGROUND_JOB');
    await Promise.all([issuer.waitForFrames(3), watcher.waitForFrames(3)]);
    issuer.sendRaw(
      'bgapi originate user/1000 &park()\nJob-UUID: 11111111-2222-3333-4444-555555555555-and-more\n\n',
    );
    issuer.send('bgapi status');
    await issuer.waitForFrames(7);
    await watcher.waitForFrames(5);
    const bgReplies = issuer.frames.filter((f) => f.headers['Job-UUID'] !== undefined);
    expect(bgReplies[0]!.headers).toEqual({
      'Content-Type': 'command/reply',
      'Reply-Text': '+OK Job-UUID: 11111111-2222-3333-4444-555555555555',
      'Job-UUID': '11111111-2222-3333-4444-555555555555',
    });
    const jobs = watcher.frames.slice(3).map((f) => eventOfFrame(f)!);
    expect(jobs[0]!.headers.slice(-3)).toEqual([
      ['Job-UUID', '11111111-2222-3333-4444-555555555555'],
      ['Job-Command', 'originate'],
      ['Job-Command-Arg', 'user/1000 &park()'],
    ]);
    expect(jobs[0]!.body).toBe('+OK 17\n');
    // No argument: no Job-Command-Arg header at all.
    expect(jobs[1]!.headers.slice(-2)).toEqual([
      ['Job-UUID', bgReplies[1]!.headers['Job-UUID']],
      ['Job-Command', 'status'],
    ]);
    const jsonJobs = issuer.frames.filter((f) => f.headers['Content-Type'] === 'text/event-json');
    expect(jsonJobs.map((f) => JSON.parse(f.body) as Record<string, string>)).toMatchObject([
      { 'Job-Command': 'originate', _body: '+OK 17\n' },
      { 'Job-Command': 'status', _body: 'UP\n' },
    ]);
    expect(deaf.frames).toHaveLength(2);
  });

  it('filters narrow what a subscriber gets; noevents drops events still queued', async () => {
    const { server, port } = await start();
    const c = await connect(port);
    c.send('event plain CHANNEL_CREATE CHANNEL_ANSWER');
    c.send('filter Unique-ID keep');
    await c.waitForFrames(4);
    server.publish(channelEvent('CHANNEL_CREATE', 'drop'));
    server.publish(channelEvent('CHANNEL_ANSWER', 'keep'));
    server.publish(channelEvent('CHANNEL_HANGUP', 'keep'));
    // events go out in order: once a later one that passes has arrived, the others were dropped
    server.publish(channelEvent('CHANNEL_CREATE', 'keep'));
    await c.waitForFrames(6);
    expect(c.frames.slice(4).map((f) => eventOfFrame(f)!.headers[0]![1])).toEqual([
      'CHANNEL_ANSWER',
      'CHANNEL_CREATE',
    ]);
    c.send('noevents');
    await c.waitForFrames(7);
    expect(replyTexts(c).at(-1)).toBe('+OK no longer listening for events');
    server.publish(channelEvent('CHANNEL_ANSWER', 'keep'));
    // an idle connection writes an event at once: the reply to a later command comes after it
    c.send('api nosuch');
    await c.waitForFrames(8);
    expect(c.frames.slice(7).map((f) => f.headers['Content-Type'])).toEqual(['api/response']);
  });

  it('pipelined commands, CRLF line ends and one-byte writes all work', async () => {
    const { port } = await start({ status: () => 'UP\n' });
    const c = await connect(port);
    c.sendRaw('api status\r\n\r\napi status\n\n');
    for (const ch of 'api status\n\n') c.sendRaw(ch);
    await c.waitForFrames(5);
    expect(c.frames.slice(2).map((f) => f.body)).toEqual(['UP\n', 'UP\n', 'UP\n']);
  });

  it('a client closing its write side gets the goodbye notice after pending replies', async () => {
    let release: (v: string) => void = () => {};
    let running: () => void = () => {};
    const slowRunning = new Promise<void>((r) => (running = r));
    const { port } = await start({ slow: () => new Promise<string>((r) => ((release = r), running())) });
    const c = await connect(port);
    c.send('api slow');
    c.end();
    await slowRunning;
    await c.flushed();
    await afterNextPoll(); // the server has read our FIN while slow still runs
    release('done\n');
    await c.waitForClose();
    expect(c.frames.slice(2).map((f) => f.headers['Content-Type'])).toEqual([
      'api/response',
      'text/disconnect-notice',
    ]);
  });

  it('an oversized command ends the connection instead of filling memory', async () => {
    const { port } = await start();
    const c = await connect(port);
    c.sendRaw(Buffer.alloc(1024 * 1024 + 10, 0x61));
    await c.waitForClose();
    expect(c.frames.at(-1)!.headers['Content-Type']).toBe('text/disconnect-notice');
  });

  it('dropAllConnections resets every client and keeps listening', async () => {
    const { server, port } = await start();
    const a = await connect(port);
    const b = await connect(port, false);
    server.dropAllConnections();
    await Promise.all([a.waitForClose(), b.waitForClose()]);
    expect(a.error?.code).toBe('ECONNRESET');
    const again = await connect(port);
    expect(replyTexts(again)).toEqual(['+OK accepted']);
  });

  it('shutdown reaches unauthenticated clients too, and refuses new connections', async () => {
    const { server, port } = await start();
    const authed = await connect(port);
    const fresh = await connect(port, false);
    await server.shutdown();
    await Promise.all([authed.waitForClose(), fresh.waitForClose()]);
    for (const c of [authed, fresh]) expect(c.frames.at(-1)!.body).toBe('The system is being shut down.\n');
    await expect(RawEslClient.connect(port)).rejects.toThrow(/ECONNREFUSED/);
    expect(server.connectionCount).toBe(0);
  });

  it('records every command line, with auth passwords redacted', async () => {
    const { server, port } = await start({ status: () => 'UP\n' });
    const c = await connect(port);
    c.sendRaw('bgapi status\nJob-UUID: j1\n\n');
    await c.waitForFrames(3);
    expect(server.received).toEqual([
      { connection: 1, line: 'auth [redacted]', headers: [] },
      { connection: 1, line: 'bgapi status', headers: [['Job-UUID', 'j1']] },
    ]);
  });

  it('modesl 1.2.1 talks to it: auth, api, bgapi with its own Job-UUID and the BACKGROUND_JOB event', async () => {
    const { port } = await start({ status: () => 'UP 0 years\n' });
    const conn = new esl.Connection('127.0.0.1', port, 'ClueCon');
    try {
      await new Promise<void>((resolve, reject) => {
        conn.on('esl::ready', () => resolve());
        conn.on('error', reject);
      });
      const body = await new Promise<string>((resolve) =>
        conn.api('status', (res) => resolve(res.getBody())),
      );
      expect(body).toBe('UP 0 years\n');
      const jobId = '6f1c1d2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f';
      const job = await new Promise<{ uuid: string | null; body: string }>((resolve) =>
        conn.bgapi('status', '', jobId, (evt) =>
          resolve({ uuid: evt.getHeader('Job-UUID'), body: evt.getBody() }),
        ),
      );
      expect(job).toEqual({ uuid: jobId, body: 'UP 0 years\n' });
    } finally {
      conn.disconnect();
    }
  });
});
