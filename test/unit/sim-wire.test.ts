import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EslFrame } from '../../src/esl/frames.js';
import {
  encodeApiResponse,
  encodeAuthRequest,
  encodeBgapiReply,
  encodeCommandReply,
  encodeDisconnectNotice,
  encodeEventFrame,
  eventIdentity,
  GOODBYE_TEXT,
  serializeJsonEvent,
  serializePlainEvent,
  SHUTDOWN_TEXT,
  urlEncodeValue,
} from '../../src/sim/wire.js';
import { buildEvent, formatEventDateGmt, formatEventDateLocal } from '../../src/sim/event-builder.js';
import type { SimEvent, SimIdentity } from '../../src/sim/types.js';
import { readTranscriptBytes, TRANSCRIPT_NAMES } from '../helpers/transcripts.js';
import { eventOfFrame, framesOf } from '../helpers/transcript-compare.js';

/** Re-encodes one transcript frame with the simulator's encoders, choosing the encoder by frame type. */
function reencode(frame: EslFrame): string {
  const h = frame.headers;
  switch (h['Content-Type']) {
    case 'auth/request':
      return encodeAuthRequest();
    case 'command/reply':
      if (h['Job-UUID'] !== undefined) {
        expect(h['Reply-Text']).toBe(`+OK Job-UUID: ${h['Job-UUID']}`);
        return encodeBgapiReply(h['Job-UUID']);
      }
      return encodeCommandReply(h['Reply-Text']!);
    case 'api/response':
      return encodeApiResponse(frame.body);
    case 'text/disconnect-notice':
      return encodeDisconnectNotice(frame.body);
    case 'text/event-plain':
      return encodeEventFrame(eventOfFrame(frame)!, 'plain');
    case 'text/event-json':
      return encodeEventFrame(eventOfFrame(frame)!, 'json');
    default:
      throw new Error(`no encoder for ${h['Content-Type']}`);
  }
}

describe('wire encoders reproduce every real transcript byte for byte', () => {
  for (const name of TRANSCRIPT_NAMES) {
    it(`${name}: decoding every frame and re-encoding it gives the file back exactly`, () => {
      const bytes = readTranscriptBytes(name);
      const frames = framesOf(bytes);
      const again = frames.map(reencode).join('');
      // Compare as buffers; on failure, point at the first differing byte with context.
      const actual = Buffer.from(again, 'utf8');
      if (!actual.equals(bytes)) {
        let i = 0;
        while (i < bytes.length && bytes[i] === actual[i]) i++;
        expect(actual.subarray(i - 80, i + 80).toString('utf8')).toBe(
          bytes.subarray(i - 80, i + 80).toString('utf8'),
        );
      }
      expect(actual.length).toBe(bytes.length);
    });
  }

  it('covers plain and JSON events, with and without bodies, and repeated headers', () => {
    const plain = framesOf(readTranscriptBytes('calls-plain'))
      .map(eventOfFrame)
      .filter((e) => e);
    const json = framesOf(readTranscriptBytes('conference-json'))
      .map(eventOfFrame)
      .filter((e) => e);
    expect(plain.length).toBeGreaterThan(100);
    expect(json.length).toBeGreaterThan(50);
    expect(plain.some((e) => e!.body !== undefined)).toBe(true);
    const repeated = json.some((e) => new Set(e!.headers.map(([n]) => n)).size < e!.headers.length);
    expect(repeated).toBe(true);
  });

  it('the byte-for-byte check can fail: encodeURIComponent instead of switch_url_encode breaks it', () => {
    const frames = framesOf(readTranscriptBytes('conference-plain'));
    const naive = frames
      .map((f) => {
        const event = eventOfFrame(f);
        if (!event) return reencode(f);
        const body =
          event.headers.map(([n, v]) => `${n}: ${encodeURIComponent(v)}\n`).join('') +
          (event.body ? `Content-Length: ${Buffer.byteLength(event.body)}\n\n${event.body}` : '\n');
        return `Content-Length: ${Buffer.byteLength(body)}\nContent-Type: text/event-plain\n\n${body}`;
      })
      .join('');
    expect(Buffer.from(naive).equals(readTranscriptBytes('conference-plain'))).toBe(false);
  });

  it('JSON encoding of every plain-transcript event parses back to the same headers and body', () => {
    for (const file of ['conference-plain', 'calls-plain']) {
      for (const frame of framesOf(readTranscriptBytes(file))) {
        const event = eventOfFrame(frame);
        if (!event) continue;
        const encoded = serializeJsonEvent(event);
        expect(encoded.endsWith('}')).toBe(true);
        const parsed = JSON.parse(encoded) as Record<string, unknown>;
        const want: Record<string, unknown> = {};
        for (const [k, v] of event.headers) want[k] = v.startsWith('ARRAY::') ? v.slice(7).split('|:') : v;
        if (event.body !== undefined) {
          want['Content-Length'] = String(Buffer.byteLength(event.body));
          want['_body'] = event.body;
        }
        expect(parsed).toEqual(want);
      }
    }
  });
});

describe('wire encoders, piece by piece', () => {
  it('the two disconnect notices have FreeSWITCH lengths 67 and 31', () => {
    expect(Buffer.byteLength(GOODBYE_TEXT)).toBe(67);
    expect(Buffer.byteLength(SHUTDOWN_TEXT)).toBe(31);
    expect(encodeDisconnectNotice(SHUTDOWN_TEXT)).toBe(
      'Content-Type: text/disconnect-notice\nContent-Length: 31\n\nThe system is being shut down.\n',
    );
  });

  it('api/response counts bytes, not characters', () => {
    expect(encodeApiResponse('José\n')).toBe('Content-Type: api/response\nContent-Length: 6\n\nJosé\n');
  });

  it('refuses a reply text that would inject a header or a frame', () => {
    expect(() => encodeCommandReply('+OK\nJob-UUID: x')).toThrow(/CR, LF or NUL/);
    expect(() => encodeCommandReply('+OK\r')).toThrow();
    expect(() => encodeBgapiReply('a\0b')).toThrow();
  });

  it('url-encodes exactly the characters FreeSWITCH does', () => {
    expect(urlEncodeValue(' :@{}=&%+;<>?[]\\^`|"#')).toBe(
      '%20%3A%40%7B%7D%3D%26%25%2B%3B%3C%3E%3F%5B%5D%5C%5E%60%7C%22%23',
    );
    expect(urlEncodeValue(",/()'!*~-._$azAZ09")).toBe(",/()'!*~-._$azAZ09");
    expect(urlEncodeValue('\r\n\t\x7f')).toBe('%0D%0A%09%7F');
    expect(urlEncodeValue('Jos\u00e9 \u20ac')).toBe('Jos%C3%A9%20%E2%82%AC');
  });

  it('plain: an empty value is written _undef_; an empty body adds no Content-Length', () => {
    const event: SimEvent = {
      headers: [
        ['Event-Name', 'BACKGROUND_JOB'],
        ['Job-Command-Arg', ''],
      ],
      body: '',
    };
    expect(serializePlainEvent(event)).toBe('Event-Name: BACKGROUND_JOB\nJob-Command-Arg: _undef_\n\n');
    expect(serializeJsonEvent(event)).toBe(
      '{"Event-Name":"BACKGROUND_JOB","Job-Command-Arg":"","Content-Length":"0","_body":""}',
    );
  });

  it('JSON escapes like cJSON and keeps non-ASCII as UTF-8', () => {
    const event: SimEvent = { headers: [['X', 'a"b\\c\nd\te\u0001/é']] };
    expect(serializeJsonEvent(event)).toBe('{"X":"a\\"b\\\\c\\nd\\te\\u0001/é"}');
  });

  it('refuses header names that would break the frame', () => {
    for (const bad of ['', 'A\nB', 'A: B', 'A\rB'])
      expect(() => serializePlainEvent({ headers: [[bad, 'v']] })).toThrow(/bad event header name/);
  });

  it('eventIdentity reads Event-Name and Event-Subclass', () => {
    expect(
      eventIdentity({
        headers: [
          ['Event-Subclass', 'conference::maintenance'],
          ['Event-Name', 'CUSTOM'],
        ],
      }),
    ).toEqual({ name: 'CUSTOM', subclass: 'conference::maintenance' });
  });
});

describe('buildEvent', () => {
  const savedTz = process.env['TZ'];
  // The lab machine ran on UTC; Event-Date-Local is local time, so match its zone.
  beforeAll(() => {
    process.env['TZ'] = 'UTC';
  });
  afterAll(() => {
    if (savedTz === undefined) delete process.env['TZ'];
    else process.env['TZ'] = savedTz;
  });

  it('rebuilds the transcript BACKGROUND_JOB byte for byte from identity, clock and job headers', () => {
    const frame = framesOf(readTranscriptBytes('api-responses')).find(
      (f) => eventOfFrame(f)?.headers[0]?.[1] === 'BACKGROUND_JOB',
    )!;
    const real = eventOfFrame(frame)!;
    const get = (n: string): string => real.headers.find(([k]) => k === n)![1];
    const identity: SimIdentity = {
      coreUuid: get('Core-UUID'),
      hostname: get('FreeSWITCH-Hostname'),
      switchname: get('FreeSWITCH-Switchname'),
      ipv4: get('FreeSWITCH-IPv4'),
      ipv6: get('FreeSWITCH-IPv6'),
      nextSequence: () => Number(get('Event-Sequence')),
    };
    const built = buildEvent(
      identity,
      {
        name: 'BACKGROUND_JOB',
        callingFile: get('Event-Calling-File'),
        callingFunction: get('Event-Calling-Function'),
        callingLine: Number(get('Event-Calling-Line-Number')),
      },
      [
        ['Job-UUID', get('Job-UUID')],
        ['Job-Command', get('Job-Command')],
        ['Job-Command-Arg', get('Job-Command-Arg')],
      ],
      real.body,
      () => Number(get('Event-Date-Timestamp')),
    );
    const bytes = readTranscriptBytes('api-responses').toString('utf8');
    expect(bytes).toContain(encodeEventFrame(built, 'plain'));
  });

  it('puts Event-Subclass first for CUSTOM events, and refuses a subclass on other events', () => {
    let seq = 41;
    const identity: SimIdentity = {
      coreUuid: 'c',
      hostname: 'h',
      switchname: 's',
      ipv4: '4',
      ipv6: '6',
      nextSequence: () => ++seq,
    };
    const src = {
      name: 'CUSTOM',
      subclass: 'conference::maintenance',
      callingFile: 'f.c',
      callingFunction: 'f',
      callingLine: 1,
    };
    const e = buildEvent(identity, src, [['Action', 'add-member']], undefined, () => 1795350138537795);
    expect(e.headers.map(([n]) => n).slice(0, 3)).toEqual(['Event-Subclass', 'Event-Name', 'Core-UUID']);
    expect(e.headers.at(-1)).toEqual(['Action', 'add-member']);
    expect(e.headers.find(([n]) => n === 'Event-Sequence')![1]).toBe('42');
    expect(e.body).toBeUndefined();
    expect(() => buildEvent(identity, { ...src, name: 'CHANNEL_CREATE' })).toThrow(/subclass/);
  });

  it('formats dates like FreeSWITCH (zero-padded day in the GMT form)', () => {
    const micros = Date.UTC(2026, 10, 2, 3, 4, 5) * 1000 + 123456;
    expect(formatEventDateGmt(micros)).toBe('Mon, 02 Nov 2026 03:04:05 GMT');
    expect(formatEventDateLocal(micros)).toBe('2026-11-02 03:04:05');
  });
});
