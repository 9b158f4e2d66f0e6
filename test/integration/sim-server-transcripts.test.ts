// The simulator's ESL server, driven over TCP with exactly the commands of each real transcript, must send
// what FreeSWITCH sent: byte for byte where nothing differs by nature, frame by frame (by shape) otherwise.
// The api replies come from the transcript itself, so what is checked here is the server's framing,
// authentication, subscriptions, BACKGROUND_JOB and disconnect behaviour, not a telephony model.
import { afterEach, describe, expect, it } from 'vitest';
import { EslSimServer } from '../../src/sim/server.js';
import type { SimApi, SimIdentity } from '../../src/sim/types.js';
import { RawEslClient } from '../helpers/raw-esl-client.js';
import { assertFramesMatch, eventOfFrame, framesOf } from '../helpers/transcript-compare.js';
import { readTranscriptBytes, readTranscriptLines, type TranscriptLine } from '../helpers/transcripts.js';

/** The identity FreeSWITCH stamped on the transcript's events. */
function transcriptIdentity(name: string): SimIdentity {
  const event = framesOf(readTranscriptBytes(name))
    .map(eventOfFrame)
    .find((e) => e)!;
  const get = (h: string): string => event.headers.find(([n]) => n === h)![1];
  let sequence = Number(get('Event-Sequence'));
  return {
    coreUuid: get('Core-UUID'),
    hostname: get('FreeSWITCH-Hostname'),
    switchname: get('FreeSWITCH-Switchname'),
    ipv4: get('FreeSWITCH-IPv4'),
    ipv6: get('FreeSWITCH-IPv6'),
    nextSequence: () => ++sequence,
  };
}

/**
 * A SimApi answering each api/bgapi command with what FreeSWITCH answered in the transcript: the body of
 * the api/response that followed an `api` line, or the body of the BACKGROUND_JOB whose Job-Command-Arg
 * matches a `bgapi` line.
 */
function transcriptApi(name: string, identity: SimIdentity, onExecute?: (line: string) => void): SimApi {
  const lines = readTranscriptLines(name);
  const bytes = readTranscriptBytes(name);
  // The same command can get different answers over a session (`conference list`): keep them in order.
  const replies = new Map<string, string[]>();
  const add = (key: string, reply: string): void => {
    replies.set(key, [...(replies.get(key) ?? []), reply]);
  };
  const events = framesOf(bytes).map(eventOfFrame);
  const jobs = events.filter((e) =>
    e?.headers.some(([n, v]) => n === 'Event-Name' && v === 'BACKGROUND_JOB'),
  );
  for (const line of lines) {
    if (line.dir !== 'send') continue;
    const command = line.data!.replace(/\n\n$/, '');
    if (command.startsWith('api ')) {
      const after = framesOf(bytes.subarray(line.offset!)).find(
        (f) => f.headers['Content-Type'] === 'api/response',
      );
      if (after) add(command.slice(4), after.body);
    } else if (command.startsWith('bgapi ')) {
      const text = command.slice(6);
      const job = jobs.find((j) => {
        const get = (h: string): string | undefined => j!.headers.find(([n]) => n === h)?.[1];
        return `${get('Job-Command')} ${get('Job-Command-Arg')}` === text;
      });
      if (job) add(text, job.body ?? '');
    }
  }
  return {
    identity,
    execute: async (command, args) => {
      const key = args === '' ? command : `${command} ${args}`;
      onExecute?.(key);
      const queue = replies.get(key) ?? [];
      const reply = queue.length > 1 ? queue.shift() : queue[0];
      if (reply === undefined) throw new Error(`the transcript has no reply for ${key}`);
      return reply;
    },
  };
}

/** Sends each recorded line once the client has as many frames as FreeSWITCH had sent at that point. */
async function replay(
  client: RawEslClient,
  sends: TranscriptLine[],
  expected: Buffer,
  start: number,
): Promise<void> {
  for (const line of sends) {
    const framesBefore = framesOf(expected.subarray(start, line.offset)).length;
    await client.waitForFrames(framesBefore);
    client.sendRaw(line.data!);
  }
}

/** The send lines of each connection of a multi-connection transcript (split at the recorder's close lines). */
function connectionsOf(name: string): Array<{ start: number; end: number; sends: TranscriptLine[] }> {
  const out: Array<{ start: number; end: number; sends: TranscriptLine[] }> = [];
  let current = { start: 0, end: 0, sends: [] as TranscriptLine[] };
  for (const line of readTranscriptLines(name)) {
    if (line.dir === 'send') current.sends.push(line);
    if (line.dir === 'close') {
      current.end = line.offset!;
      out.push(current);
      current = { start: line.offset!, end: 0, sends: [] };
    }
  }
  return out;
}

const servers: EslSimServer[] = [];
const clients: RawEslClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const s of servers.splice(0)) await s.close();
});

async function start(
  name: string,
  onExecute?: (line: string) => void,
): Promise<{ server: EslSimServer; port: number }> {
  const server = new EslSimServer({
    password: 'ClueCon',
    api: transcriptApi(name, transcriptIdentity('api-responses'), onExecute),
  });
  servers.push(server);
  const { port } = await server.listen();
  return { server, port };
}

async function client(port: number): Promise<RawEslClient> {
  const c = await RawEslClient.connect(port);
  clients.push(c);
  return c;
}

describe('simulator ESL server against the real transcripts', () => {
  it('auth.txt: wrong password, a full session ending in exit, and a command before auth, byte for byte', async () => {
    const { port } = await start('auth');
    const expected = readTranscriptBytes('auth');
    const [wrong, session, early] = connectionsOf('auth');
    expect([wrong, session, early].every(Boolean)).toBe(true);

    // 1: the server answers -ERR invalid, says goodbye and closes by itself.
    const c1 = await client(port);
    await replay(c1, wrong!.sends, expected, wrong!.start);
    await c1.waitForClose();
    expect(c1.bytes.toString('utf8')).toBe(expected.subarray(wrong!.start, wrong!.end).toString('utf8'));

    // 2: auth, api version, event plain HEARTBEAT, noevents, exit.
    const c2 = await client(port);
    await replay(c2, session!.sends, expected, session!.start);
    await c2.waitForClose();
    expect(c2.bytes.toString('utf8')).toBe(expected.subarray(session!.start, session!.end).toString('utf8'));

    // 3: FreeSWITCH keeps the socket after "-ERR command not found"; the notice came when the recorder
    // closed its side. Check both halves of that.
    const c3 = await client(port);
    await replay(c3, early!.sends, expected, early!.start);
    await c3.waitForFrames(2);
    // The socket stays: the same command again gets the same answer (mod_event_socket's auth loop).
    const answered = c3.bytes.length;
    c3.sendRaw(early!.sends.at(-1)!.data!);
    await c3.waitForFrames(3);
    const again = c3.bytes.length;
    expect(c3.frames[2]).toEqual(c3.frames[1]);
    c3.end();
    await c3.waitForClose();
    const recorded = Buffer.concat([c3.bytes.subarray(0, answered), c3.bytes.subarray(again)]);
    expect(recorded.toString('utf8')).toBe(expected.subarray(early!.start, early!.end).toString('utf8'));
  });

  it('disconnect-fsctl-idle + disconnect-fsctl-issuer: api fsctl shutdown, byte for byte on both sockets', async () => {
    const holder: { server?: EslSimServer } = {};
    const started = await start('disconnect-fsctl-issuer', (line) => {
      // FreeSWITCH answers +OK, then shuts down: run the shutdown once the reply is on its way.
      if (line === 'fsctl shutdown') setImmediate(() => void holder.server!.shutdown());
    });
    holder.server = started.server;
    const idle = await client(started.port);
    await replay(
      idle,
      readTranscriptLines('disconnect-fsctl-idle').filter((l) => l.dir === 'send'),
      readTranscriptBytes('disconnect-fsctl-idle'),
      0,
    );
    await idle.waitForFrames(2);
    const issuer = await client(started.port);
    await replay(
      issuer,
      readTranscriptLines('disconnect-fsctl-issuer').filter((l) => l.dir === 'send'),
      readTranscriptBytes('disconnect-fsctl-issuer'),
      0,
    );
    await Promise.all([idle.waitForClose(), issuer.waitForClose()]);
    expect(idle.bytes.toString('utf8')).toBe(readTranscriptBytes('disconnect-fsctl-idle').toString('utf8'));
    expect(issuer.bytes.toString('utf8')).toBe(
      readTranscriptBytes('disconnect-fsctl-issuer').toString('utf8'),
    );
    await expect(RawEslClient.connect(started.port)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('disconnect-sigterm-idle: shutdown() gives an authenticated idle client the 31-byte notice, then closes', async () => {
    const { server, port } = await start('disconnect-sigterm-idle');
    const c = await client(port);
    const expected = readTranscriptBytes('disconnect-sigterm-idle');
    await replay(
      c,
      readTranscriptLines('disconnect-sigterm-idle').filter((l) => l.dir === 'send'),
      expected,
      0,
    );
    await c.waitForFrames(2);
    await server.shutdown();
    await c.waitForClose();
    expect(c.bytes.toString('utf8')).toBe(expected.toString('utf8'));
  });

  it('api-responses: every api/response and bgapi reply, and each BACKGROUND_JOB, frame by frame', async () => {
    const { port } = await start('api-responses');
    const expected = readTranscriptBytes('api-responses');
    const c = await client(port);
    await replay(
      c,
      readTranscriptLines('api-responses').filter((l) => l.dir === 'send'),
      expected,
      0,
    );
    const all = framesOf(expected);
    // The recording ends with the recorder closing its side and FreeSWITCH saying goodbye.
    expect(all.at(-1)!.headers['Content-Type']).toBe('text/disconnect-notice');
    await c.waitForFrames(all.length - 1);
    c.end();
    await c.waitForClose();
    assertFramesMatch(all, c.frames);
  });

  for (const [name, format] of [
    ['conference-plain', 'plain'],
    ['calls-plain', 'plain'],
    ['conference-json', 'json'],
    ['calls-json', 'json'],
  ] as const) {
    it(`${name}: published events reach the subscriber exactly as FreeSWITCH sent them`, async () => {
      const { server, port } = await start(name);
      const expected = readTranscriptBytes(name);
      const lines = readTranscriptLines(name).filter((l) => l.dir === 'send');
      const subscribe = lines.find((l) => l.data!.startsWith(`event ${format} `))!;
      const c = await client(port);
      await replay(c, [lines[0]!, subscribe], expected, 0);
      await c.waitForFrames(3);
      const frames = framesOf(expected);
      const eventFrames = frames.filter((f) => eventOfFrame(f));
      for (const f of eventFrames) server.publish(eventOfFrame(f)!);
      // An event nobody subscribed to must not arrive.
      server.publish({ headers: [['Event-Name', 'HEARTBEAT']] });
      await c.waitForFrames(3 + eventFrames.length);
      // What FreeSWITCH sent before the first command after subscribing: the greeting and the two replies.
      const greeting = expected.subarray(0, lines[2]!.offset).toString('utf8');
      expect(framesOf(greeting)).toHaveLength(3);
      const wanted = eventFrames
        .map(
          (f) =>
            `Content-Length: ${f.headers['Content-Length']}\nContent-Type: text/event-${format}\n\n${f.body}`,
        )
        .join('');
      expect(c.bytes.toString('utf8')).toBe(greeting + wanted);
    });
  }
});
