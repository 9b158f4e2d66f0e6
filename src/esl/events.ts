// Pure decoding of ESL event frames into one typed shape, whatever format FreeSWITCH used.
// Never throws on hostile or broken input: a frame it cannot decode comes back as a DecodeError.
import type { EslFrame } from './frames.js';
import { parseHeaderLines } from './frames.js';

/** One FreeSWITCH event: every header as a decoded string, plus the body if it had one. */
export interface EslEvent {
  name: string;
  /** `Event-Subclass` for CUSTOM events (e.g. `conference::maintenance`). */
  subclass: string | undefined;
  headers: Readonly<Record<string, string>>;
  body: string | undefined;
}

export type DecodeResult = { ok: true; event: EslEvent } | { ok: false; error: string };

export const EVENT_CONTENT_TYPES = ['text/event-json', 'text/event-plain'] as const;

export function isEventFrame(frame: EslFrame): boolean {
  const type = frame.headers['Content-Type'];
  return type === 'text/event-json' || type === 'text/event-plain';
}

/**
 * Percent-decoding that never throws: FreeSWITCH url-encodes plain-event values byte by byte, and a
 * Latin-1 caller name arrives as `Jos%E9`, which is not UTF-8. Valid UTF-8 sequences are decoded;
 * anything else is kept as it was sent.
 */
export function safeUrlDecode(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return decodeRunLeniently(run);
      }
    });
  }
}

function decodeRunLeniently(run: string): string {
  // Decode the longest valid prefixes; a byte that starts no valid sequence stays as "%XX".
  let out = '';
  let i = 0;
  while (i < run.length) {
    let decoded = false;
    for (let len = Math.min(12, run.length - i); len >= 3; len -= 3) {
      try {
        out += decodeURIComponent(run.slice(i, i + len));
        i += len;
        decoded = true;
        break;
      } catch {
        // shorter try
      }
    }
    if (!decoded) {
      out += run.slice(i, i + 3);
      i += 3;
    }
  }
  return out;
}

function fromHeaders(headers: Record<string, string>, body: string | undefined): DecodeResult {
  const name = headers['Event-Name'];
  if (!name) return { ok: false, error: 'event has no Event-Name' };
  return { ok: true, event: { name, subclass: headers['Event-Subclass'], headers, body } };
}

/** Decodes a `text/event-json` body. Values are strings; `_body` holds the event body. */
export function decodeJsonEvent(body: string): DecodeResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { ok: false, error: 'event-json body is not JSON' };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    return { ok: false, error: 'event-json body is not an object' };
  // The parsed object becomes the header map itself (no copy: this is the ingest hot path). FreeSWITCH
  // sends every value as a string; anything else is normalised in place.
  const headers = parsed as Record<string, unknown>;
  let eventBody: string | undefined;
  for (const key in headers) {
    const value = headers[key];
    if (key === '_body') {
      eventBody = typeof value === 'string' ? value : String(value);
      delete headers[key];
    } else if (typeof value !== 'string') {
      // Repeated headers arrive as arrays, which we join like FreeSWITCH's plain form.
      if (Array.isArray(value)) headers[key] = value.map(String).join(',');
      else if (value === null || typeof value === 'object') delete headers[key];
      else headers[key] = String(value);
    }
  }
  return fromHeaders(headers as Record<string, string>, eventBody);
}

/** Decodes a `text/event-plain` body: url-encoded header lines, a blank line, then an optional body. */
export function decodePlainEvent(body: string): DecodeResult {
  const end = body.indexOf('\n\n');
  const headerText = end === -1 ? body : body.slice(0, end);
  const raw = parseHeaderLines(headerText);
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) headers[key] = safeUrlDecode(value);
  let eventBody: string | undefined;
  const lengthText = headers['Content-Length'];
  if (lengthText !== undefined && end !== -1) {
    const length = Number(lengthText);
    if (!Number.isInteger(length) || length < 0) return { ok: false, error: 'bad inner Content-Length' };
    // The inner length counts bytes.
    eventBody = Buffer.from(body.slice(end + 2), 'utf8')
      .subarray(0, length)
      .toString('utf8');
  }
  return fromHeaders(headers, eventBody);
}

/** Decodes any event frame (json or plain). Other frame types are not events. */
export function decodeEventFrame(frame: EslFrame): DecodeResult {
  switch (frame.headers['Content-Type']) {
    case 'text/event-json':
      return decodeJsonEvent(frame.body);
    case 'text/event-plain':
      return decodePlainEvent(frame.body);
    default:
      return {
        ok: false,
        error: `not an event frame: ${String(frame.headers['Content-Type']).slice(0, 40)}`,
      };
  }
}
