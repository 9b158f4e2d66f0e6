// Events through the ESL client: hostile or broken frames are counted and dropped, never fatal;
// listeners are isolated from each other and from the socket.
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import esl from 'modesl';
import { afterEach, describe, expect, it } from 'vitest';
import type { EslEvent } from '../../src/esl/events.js';
import { connectedClient, fsFrames } from '../helpers/fake-esl-server.js';
import { eventually } from '../helpers/eventually.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function connectedPair() {
  const events: EslEvent[] = [];
  const pair = await connectedClient(cleanup, {}, (client) => client.on('event', (e) => void events.push(e)));
  return { ...pair, events, session: pair.server.last! };
}

describe('EslClient events', () => {
  it('delivers a real CHANNEL_CREATE json event, decoded', async () => {
    const { client, events, session } = await connectedPair();
    expect(client.lastEventAt).toBeUndefined();
    session.write(fsFrames.channelCreateJson());
    await eventually(() => events.length === 1);
    expect(events[0]!.name).toBe('CHANNEL_CREATE');
    expect(events[0]!.headers['Unique-ID']).toMatch(/^[0-9a-f-]{36}$/);
    expect(client.stats.eventsReceived).toBe(1);
    expect(client.lastEventAt).toBeInstanceOf(Date);
  });

  it('counts broken JSON and other undecodable events as decode errors and keeps going', async () => {
    const { client, events, session, log } = await connectedPair();
    const good = fsFrames.channelCreateJsonBody();
    session.write(
      Buffer.concat([
        fsFrames.channelCreateJson(good.slice(0, good.length - 40)), // truncated JSON
        fsFrames.channelCreateJson('[1,2,3]'), // JSON, not an object
        fsFrames.channelCreateJson('{"Core-UUID":"x"}'), // no Event-Name
        fsFrames.plainEventFrame('Core-UUID: x\n\n'), // plain, no Event-Name
        fsFrames.channelCreateJson(), // and a good one after all that
      ]),
    );
    await eventually(() => events.length === 1);
    expect(client.stats.decodeErrors).toBe(4);
    expect(client.stats.eventsReceived).toBe(1);
    expect(client.state).toBe('connected');
    await expect(client.api('version')).resolves.toContain('FreeSWITCH Version');
    expect(log.entries().filter((e) => e['msg'] === 'ESL event dropped')).toHaveLength(4);
  });

  it('survives a plain event with a Latin-1 caller name (Jos%E9), which kills modesl', async () => {
    const { client, events, session } = await connectedPair();
    session.write(fsFrames.channelCreatePlain('Jos%E9'));
    session.write(fsFrames.channelCreatePlain('Jos%C3%A9'));
    await eventually(() => events.length === 2);
    // The shared decoder keeps an undecodable byte as sent rather than losing the event.
    expect(events[0]!.headers['Caller-Caller-ID-Name']).toBe('Jos%E9');
    expect(events[1]!.headers['Caller-Caller-ID-Name']).toBe('José');
    expect(client.stats.decodeErrors).toBe(0);
    expect(client.state).toBe('connected');
  });

  it("modesl's own parser throws on that frame from inside the socket handler (why it is replaced)", () => {
    const socket = new EventEmitter() as unknown as Socket;
    new esl.Parser(socket);
    expect(() => socket.emit('data', fsFrames.channelCreatePlain('Jos%E9'))).toThrow(URIError);
  });

  it('a stream that loses its framing counts as a decode error, and the session is renewed', async () => {
    const { server, client, session, log } = await connectedPair();
    const reasons: string[] = [];
    client.on('disconnected', (r) => void reasons.push(r));
    session.write('Content-Length: 12x\nContent-Type: text/event-json\n\n{}');
    await eventually(() => server.connections === 2 && client.state === 'connected', 3000, 'reconnect');
    expect(client.stats.decodeErrors).toBe(1);
    expect(reasons).toEqual(['unframeable byte stream']);
    const lost = log.entries().find((e) => e['msg'] === 'ESL connection lost');
    expect(lost?.['error']).toContain('bad Content-Length');
  });

  it('an oversized header block without an end is cut off, not buffered forever', async () => {
    const { server, client, session } = await connectedPair();
    session.write(`X-Junk: ${'a'.repeat(70 * 1024)}`);
    await eventually(() => server.connections === 2 && client.state === 'connected', 3000, 'reconnect');
    expect(client.stats.decodeErrors).toBe(1);
  });

  it('ignores frame types it does not know, without dropping the session', async () => {
    const { client, session, events } = await connectedPair();
    session.write('Content-Type: text/rude-rejection\nContent-Length: 3\n\nno\n');
    session.write(fsFrames.channelCreateJson());
    await eventually(() => events.length === 1);
    expect(client.state).toBe('connected');
  });
});

describe('EslClient listener isolation', () => {
  it('a throwing or rejecting listener is counted and logged; the others still run; nothing dies', async () => {
    const { client, session, log } = await connectedPair();
    const seen: string[] = [];
    client.on('event', () => {
      throw new Error('listener bug');
    });
    client.on('event', async () => {
      await Promise.resolve();
      throw new Error('async listener bug');
    });
    client.on('event', (e) => void seen.push(e.name));
    for (let i = 0; i < 3; i++) session.write(fsFrames.channelCreateJson());
    await eventually(() => seen.length === 3);
    await eventually(() => client.stats.listenerErrors === 6, 1000, 'six listener errors');
    expect(client.state).toBe('connected');
    await expect(client.api('version')).resolves.toContain('FreeSWITCH Version');
    const errors = log.entries().filter((e) => e['msg'] === 'ESL client listener threw; isolated');
    expect(errors).toHaveLength(6);
    expect(JSON.stringify(errors)).toContain('async listener bug');
  });

  it('throwing state/connected/disconnected listeners do not break reconnecting', async () => {
    const { server, client } = await connectedPair();
    let connects = 0;
    client.on('state', () => {
      throw new Error('state listener bug');
    });
    client.on('disconnected', () => {
      throw new Error('disconnected listener bug');
    });
    client.on('connected', () => {
      connects++;
      throw new Error('connected listener bug');
    });
    server.last!.reset();
    await eventually(() => connects === 1 && client.state === 'connected', 3000, 'reconnect');
    // disconnected, connecting, connected (state) + disconnected + connected
    expect(client.stats.listenerErrors).toBe(5);
  });

  it('off() removes a listener', async () => {
    const { client, session, events } = await connectedPair();
    const extra: EslEvent[] = [];
    const listener = (e: EslEvent) => void extra.push(e);
    client.on('event', listener);
    expect(client.listenerCount('event')).toBe(2);
    client.off('event', listener);
    expect(client.listenerCount('event')).toBe(1);
    session.write(fsFrames.channelCreateJson());
    await eventually(() => events.length === 1);
    expect(extra).toHaveLength(0); // listeners of one event are all called in the same emit
  });
});
