// Frame-by-frame comparison of what the simulator sent against what the real FreeSWITCH sent
// (shared/fs-transcripts). Frame types, header names and their order are compared exactly; values are
// compared exactly after replacing what differs by nature (UUIDs, timestamps, dates, sequence numbers,
// Content-Length) with its shape. The first difference is reported with enough context to find it.
import type { EslFrame } from '../../src/esl/frames.js';
import { splitFrames } from '../../src/esl/frames.js';
import type { SimEvent } from '../../src/sim/types.js';

// ---------- Ordered event decoding (keeps repeated headers, unlike src/esl/events.ts) ----------

/** Decodes a text/event-plain body into headers in wire order (url-decoded) and the body. */
export function parsePlainEventBody(text: string): SimEvent {
  const end = text.indexOf('\n\n');
  const headerText = end === -1 ? text : text.slice(0, end);
  const headers: Array<[string, string]> = [];
  let bodyLength: number | undefined;
  for (const line of headerText.split('\n')) {
    if (line === '') continue;
    const sep = line.indexOf(': ');
    const name = sep === -1 ? line : line.slice(0, sep);
    const raw = sep === -1 ? '' : line.slice(sep + 2);
    const value = raw === '_undef_' ? '' : decodeURIComponent(raw);
    headers.push([name, value]);
  }
  // switch_event_serialize writes the body as a trailing `Content-Length` line, not as an event header.
  const last = headers[headers.length - 1];
  if (last && last[0] === 'Content-Length' && end !== -1) {
    headers.pop();
    bodyLength = Number(last[1]);
  }
  if (bodyLength === undefined) return { headers };
  const body = Buffer.from(text.slice(end + 2), 'utf8')
    .subarray(0, bodyLength)
    .toString('utf8');
  return { headers, body };
}

// eslint-disable-next-line no-control-regex -- a JSON string may not hold raw control characters
const JSON_STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

/** Decodes a text/event-json body keeping key order and repeated keys (JSON.parse would drop them). */
export function parseJsonEventBody(text: string): SimEvent {
  let pos = 0;
  const fail = (what: string): never => {
    throw new Error(`event-json: ${what} at offset ${pos}: ${JSON.stringify(text.slice(pos, pos + 40))}`);
  };
  const expectChar = (c: string): void => {
    if (text[pos] !== c) fail(`expected '${c}'`);
    pos++;
  };
  const readString = (): string => {
    JSON_STRING.lastIndex = pos;
    const m = JSON_STRING.exec(text);
    if (!m) return fail('expected a string');
    pos += m[0].length;
    return JSON.parse(m[0]) as string;
  };
  const headers: Array<[string, string]> = [];
  let body: string | undefined;
  expectChar('{');
  while (text[pos] !== '}') {
    if (headers.length > 0 || body !== undefined) expectChar(',');
    const key = readString();
    expectChar(':');
    let value: string;
    if (text[pos] === '[') {
      pos++;
      const items: string[] = [];
      while (text[pos] !== ']') {
        if (items.length > 0) expectChar(',');
        items.push(readString());
      }
      pos++;
      value = `ARRAY::${items.join('|:')}`;
    } else value = readString();
    if (key === '_body') body = value;
    else headers.push([key, value]);
  }
  if (pos !== text.length - 1) fail('trailing bytes after the object');
  // serialize_json adds Content-Length just before _body; it is not one of the event's headers.
  if (body !== undefined && headers[headers.length - 1]?.[0] === 'Content-Length') headers.pop();
  return body === undefined ? { headers } : { headers, body };
}

/** The event carried by an event frame, or undefined for other frame types. */
export function eventOfFrame(frame: EslFrame): SimEvent | undefined {
  const type = frame.headers['Content-Type'];
  if (type === 'text/event-plain') return parsePlainEventBody(frame.body);
  if (type === 'text/event-json') return parseJsonEventBody(frame.body);
  return undefined;
}

/** Splits bytes into frames; throws if bytes are left over (a framing bug must not pass quietly). */
export function framesOf(bytes: Buffer | string): EslFrame[] {
  const { frames, rest } = splitFrames(typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes);
  if (rest !== 0) throw new Error(`${rest} bytes at the end do not form a complete frame`);
  return frames;
}

// ---------- Shapes ----------

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const NATURE: Array<[RegExp, string]> = [
  // RFC 822/2822 dates: Event-Date-GMT (`... GMT`) and variable_RFC2822_DATE (`... +0000`).
  [/\b[A-Z][a-z]{2}, \d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} (?:GMT\b|[+-]\d{4})/g, '<rfc-date>'],
  [/\b\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\b/g, '<local-date>'],
  // Epoch times from 2017 to 2033, in microseconds, milliseconds and seconds.
  [/\b(?:1[5-9]|20)\d{14}\b/g, '<usec>'],
  [/\b(?:1[5-9]|20)\d{11}\b/g, '<msec>'],
  [/\b(?:1[5-9]|20)\d{8}\b/g, '<sec>'],
];

/** Replaces what differs between runs by nature with its shape; everything else stays. */
export function shapeOf(value: string): string {
  let out = value.replace(UUID, '<uuid>');
  for (const [pattern, label] of NATURE) out = out.replace(pattern, label);
  return out;
}

/** Headers whose whole value is a per-run counter or length: only "a number" is compared. */
export const NUMERIC_SHAPE_HEADERS: ReadonlySet<string> = new Set(['Content-Length', 'Event-Sequence']);

export interface CompareOptions {
  /** More header names compared as "a number" only (e.g. `Member-ID` when the counters start elsewhere). */
  numericHeaders?: Iterable<string>;
  /** Require each expected UUID to map to one actual UUID and back (default true). */
  consistentUuids?: boolean;
}

export type CompareResult = { ok: true } | { ok: false; message: string };

// ---------- Comparison ----------

class Mismatch extends Error {}

interface Ctx {
  numeric: Set<string>;
  uuidForward: Map<string, string> | undefined;
  uuidBackward: Map<string, string>;
}

function compareValue(ctx: Ctx, where: string, name: string, expected: string, actual: string): void {
  if (ctx.numeric.has(name)) {
    if (/^\d+$/.test(expected) !== /^\d+$/.test(actual))
      throw new Mismatch(
        `${where}: ${name} should be ${JSON.stringify(expected)}-shaped, got ${JSON.stringify(actual)}`,
      );
    if (!/^\d+$/.test(expected) && expected !== actual)
      throw new Mismatch(
        `${where}: ${name} expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`,
      );
    return;
  }
  const e = shapeOf(expected);
  const a = shapeOf(actual);
  if (e !== a)
    throw new Mismatch(
      `${where}: ${name} differs\n  expected: ${JSON.stringify(expected)}\n  actual:   ${JSON.stringify(actual)}`,
    );
  if (!ctx.uuidForward) return;
  const eIds = expected.match(UUID) ?? [];
  const aIds = actual.match(UUID) ?? [];
  eIds.forEach((id, i) => {
    const other = aIds[i]!.toLowerCase();
    const want = ctx.uuidForward!.get(id.toLowerCase());
    const back = ctx.uuidBackward.get(other);
    if ((want !== undefined && want !== other) || (back !== undefined && back !== id.toLowerCase()))
      throw new Mismatch(
        `${where}: ${name}: UUID ${other} does not correspond to the transcript's ${id} ` +
          `(earlier frames paired it differently)`,
      );
    ctx.uuidForward!.set(id.toLowerCase(), other);
    ctx.uuidBackward.set(other, id.toLowerCase());
  });
}

function compareHeaderLists(
  ctx: Ctx,
  where: string,
  expected: ReadonlyArray<readonly [string, string]>,
  actual: ReadonlyArray<readonly [string, string]>,
): void {
  const n = Math.max(expected.length, actual.length);
  for (let i = 0; i < n; i++) {
    const e = expected[i];
    const a = actual[i];
    if (!e) throw new Mismatch(`${where}: extra header #${i + 1} ${a![0]}: ${JSON.stringify(a![1])}`);
    if (!a)
      throw new Mismatch(`${where}: header #${i + 1} ${e[0]} is missing (actual has only ${actual.length})`);
    if (e[0] !== a[0]) {
      const laterAt = actual.findIndex(([name], j) => j > i && name === e[0]);
      const hint = laterAt === -1 ? 'missing' : `found later, at #${laterAt + 1} (reordered)`;
      throw new Mismatch(`${where}: header #${i + 1} should be ${e[0]} but is ${a[0]}; ${e[0]} is ${hint}`);
    }
    compareValue(ctx, where, e[0], e[1], a[1]);
  }
}

function describe(frame: EslFrame): string {
  const type = frame.headers['Content-Type'] ?? '(no Content-Type)';
  const event = eventOfFrame(frame);
  if (!event) return type;
  const get = (n: string): string | undefined => event.headers.find(([k]) => k === n)?.[1];
  return [type, get('Event-Name'), get('Event-Subclass'), get('Action')].filter(Boolean).join(' ');
}

function compareFrame(ctx: Ctx, index: number, expected: EslFrame, actual: EslFrame): void {
  const where = `frame ${index} (${describe(expected)})`;
  const eType = expected.headers['Content-Type'];
  const aType = actual.headers['Content-Type'];
  if (eType !== aType) throw new Mismatch(`${where}: expected Content-Type ${eType}, got ${aType}`);
  compareHeaderLists(
    ctx,
    `${where} outer headers`,
    Object.entries(expected.headers),
    Object.entries(actual.headers),
  );
  const eEvent = eventOfFrame(expected);
  if (eEvent) {
    const aEvent = eventOfFrame(actual)!;
    compareHeaderLists(ctx, `${where} event`, eEvent.headers, aEvent.headers);
    if ((eEvent.body === undefined) !== (aEvent.body === undefined))
      throw new Mismatch(`${where}: event body expected ${eEvent.body === undefined ? 'absent' : 'present'}`);
    if (eEvent.body !== undefined) compareValue(ctx, where, 'event body', eEvent.body, aEvent.body!);
    return;
  }
  compareValue(ctx, where, 'body', expected.body, actual.body);
}

/** Compares two frame sequences; the result names the first difference. */
export function compareFrames(
  expected: readonly EslFrame[],
  actual: readonly EslFrame[],
  options: CompareOptions = {},
): CompareResult {
  const ctx: Ctx = {
    numeric: new Set([...NUMERIC_SHAPE_HEADERS, ...(options.numericHeaders ?? [])]),
    uuidForward: options.consistentUuids === false ? undefined : new Map(),
    uuidBackward: new Map(),
  };
  try {
    const n = Math.min(expected.length, actual.length);
    for (let i = 0; i < n; i++) compareFrame(ctx, i, expected[i]!, actual[i]!);
    if (expected.length > actual.length)
      throw new Mismatch(
        `frame ${n} (${describe(expected[n]!)}) is missing: got ${actual.length} of ${expected.length} frames`,
      );
    if (actual.length > expected.length)
      throw new Mismatch(
        `extra frame ${n} (${describe(actual[n]!)}): expected only ${expected.length} frames`,
      );
    return { ok: true };
  } catch (err) {
    if (err instanceof Mismatch) return { ok: false, message: err.message };
    throw err;
  }
}

/** Throws with the first difference (for tests: `assertFramesMatch(transcriptFrames, simFrames)`). */
export function assertFramesMatch(
  expected: readonly EslFrame[],
  actual: readonly EslFrame[],
  options?: CompareOptions,
): void {
  const result = compareFrames(expected, actual, options);
  if (!result.ok) throw new Error(`simulator differs from the transcript: ${result.message}`);
}
