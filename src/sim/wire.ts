// Pure encoders for every frame the simulated FreeSWITCH sends, byte for byte as FreeSWITCH 1.11 does
// (mod_event_socket.c, switch_event.c, switch_utils.c) and as the transcripts in shared/fs-transcripts show.
// Header order differs per frame type and is part of the format. No I/O here.
import type { SimEvent } from './types.js';

export type EventFormat = 'plain' | 'json';

/** The text of the notice FreeSWITCH sends when the client ends the session (exit, EOF). 67 bytes. */
export const GOODBYE_TEXT = 'Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n';
/** The text of the notice every client gets when FreeSWITCH shuts down (fsctl shutdown, SIGTERM). 31 bytes. */
export const SHUTDOWN_TEXT = 'The system is being shut down.\n';

const FORBIDDEN_IN_LINE = /[\r\n\0]/;

function assertOneLine(what: string, text: string): void {
  // A CR/LF here would forge frames on the client's side; these strings come from our own code.
  if (FORBIDDEN_IN_LINE.test(text)) throw new Error(`${what} contains CR, LF or NUL`);
}

/** The greeting FreeSWITCH sends on every new inbound connection. */
export function encodeAuthRequest(): string {
  return 'Content-Type: auth/request\n\n';
}

/** A command/reply: `Reply-Text` only; bgapi's reply adds a `Job-UUID` header after it. */
export function encodeCommandReply(replyText: string, jobUuid?: string): string {
  assertOneLine('Reply-Text', replyText);
  if (jobUuid === undefined) return `Content-Type: command/reply\nReply-Text: ${replyText}\n\n`;
  assertOneLine('Job-UUID', jobUuid);
  return `Content-Type: command/reply\nReply-Text: ${replyText}\nJob-UUID: ${jobUuid}\n\n`;
}

/** The reply to `bgapi`: `+OK Job-UUID: <uuid>` plus a Job-UUID header (mod_event_socket.c parse_command). */
export function encodeBgapiReply(jobUuid: string): string {
  return encodeCommandReply(`+OK Job-UUID: ${jobUuid}`, jobUuid);
}

/** An api/response: Content-Type first, then Content-Length in bytes, then the body as is. */
export function encodeApiResponse(body: string): string {
  return `Content-Type: api/response\nContent-Length: ${Buffer.byteLength(body, 'utf8')}\n\n${body}`;
}

/** A text/disconnect-notice (inbound connection form: no Controlled-Session-UUID). */
export function encodeDisconnectNotice(message: string): string {
  return `Content-Type: text/disconnect-notice\nContent-Length: ${Buffer.byteLength(message, 'utf8')}\n\n${message}`;
}

// SWITCH_URL_UNSAFE from switch_utils.h; switch_url_encode also encodes every byte below ' ' or above '~'.
const URL_UNSAFE = new Set('\r\n #%&+:;<=>?@[\\]^`{|}"');
const HEX = '0123456789ABCDEF';

function isSafeByte(byte: number): boolean {
  return byte >= 0x20 && byte <= 0x7e && !URL_UNSAFE.has(String.fromCharCode(byte));
}

/**
 * FreeSWITCH's switch_url_encode, byte by byte over the UTF-8 form: `%XX` (upper-case) for bytes outside
 * printable ASCII and for `\r\n #%&+:;<=>?@[\]^`{|}"`. So `,` `/` `(` `)` `'` `!` `*` `~` stay as they are.
 */
export function urlEncodeValue(value: string): string {
  let plain = true;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c > 0x7e || !isSafeByte(c)) {
      plain = false;
      break;
    }
  }
  if (plain) return value;
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    out += isSafeByte(byte) ? String.fromCharCode(byte) : `%${HEX[byte >> 4]}${HEX[byte & 0x0f]}`;
  }
  return out;
}

function assertHeaderName(name: string): void {
  // FreeSWITCH never encodes names; a bad one would break the frame, so refuse it loudly.
  if (name === '' || /[\r\n\0:]/.test(name)) throw new Error(`bad event header name ${JSON.stringify(name)}`);
}

/**
 * switch_event_serialize(event, encode=TRUE): `Name: url-encoded value\n` per header (an empty value is
 * written `_undef_`), then either a blank line, or, when the body is not empty,
 * `Content-Length: <bytes>\n\n<body>`.
 */
export function serializePlainEvent(event: SimEvent): string {
  let out = '';
  for (const [name, value] of event.headers) {
    assertHeaderName(name);
    const encoded = urlEncodeValue(value);
    out += `${name}: ${encoded === '' ? '_undef_' : encoded}\n`;
  }
  const body = event.body;
  if (body !== undefined && body !== '')
    out += `Content-Length: ${Buffer.byteLength(body, 'utf8')}\n\n${body}`;
  else out += '\n';
  return out;
}

/** FreeSWITCH's array header form: `ARRAY::a|:b` is one header holding the values a and b. */
const ARRAY_PREFIX = 'ARRAY::';

/**
 * switch_event_serialize_json: one flat object printed unformatted by cJSON, every value a string, in
 * header order (a repeated header is repeated, as cJSON does), an `ARRAY::a|:b` value as a JSON array,
 * then `Content-Length` and `_body` when the event has a body. JSON.stringify escapes strings exactly
 * like cJSON (\" \\ \b \f \n \r \t, \u00xx).
 */
export function serializeJsonEvent(event: SimEvent): string {
  const parts: string[] = [];
  for (const [name, value] of event.headers) {
    assertHeaderName(name);
    const json = value.startsWith(ARRAY_PREFIX)
      ? `[${value
          .slice(ARRAY_PREFIX.length)
          .split('|:')
          .map((v) => JSON.stringify(v))
          .join(',')}]`
      : JSON.stringify(value);
    parts.push(`${JSON.stringify(name)}:${json}`);
  }
  if (event.body !== undefined) {
    parts.push(`"Content-Length":${JSON.stringify(String(Buffer.byteLength(event.body, 'utf8')))}`);
    parts.push(`"_body":${JSON.stringify(event.body)}`);
  }
  return `{${parts.join(',')}}`;
}

/** A whole event frame: for events Content-Length comes before Content-Type (mod_event_socket.c). */
export function encodeEventFrame(event: SimEvent, format: EventFormat): string {
  const body = format === 'plain' ? serializePlainEvent(event) : serializeJsonEvent(event);
  return `Content-Length: ${Buffer.byteLength(body, 'utf8')}\nContent-Type: text/event-${format}\n\n${body}`;
}

/** Event-Name and Event-Subclass of an event, as the subscription filter needs them. */
export function eventIdentity(event: SimEvent): { name: string | undefined; subclass: string | undefined } {
  let name: string | undefined;
  let subclass: string | undefined;
  for (const [key, value] of event.headers) {
    if (name === undefined && key === 'Event-Name') name = value;
    else if (subclass === undefined && key === 'Event-Subclass') subclass = value;
  }
  return { name, subclass };
}
