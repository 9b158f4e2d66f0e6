// Builds a SimEvent with the leading headers FreeSWITCH stamps on every event, in FreeSWITCH's order
// (switch_event_create_subclass_detailed + switch_event_prep_for_delivery_detailed), as seen in every
// event of the real transcripts. The telephony model appends its own headers after these.
import type { SimEvent, SimIdentity } from './types.js';

/** Where FreeSWITCH says the event was created (Event-Calling-* headers) and what it is. */
export interface EventSource {
  /** Event-Name, e.g. `CHANNEL_CREATE`, `BACKGROUND_JOB`, or `CUSTOM` (then give `subclass`). */
  name: string;
  /** Event-Subclass for CUSTOM events, e.g. `conference::maintenance`. Only valid with `CUSTOM`. */
  subclass?: string;
  /** Event-Calling-File, e.g. `mod_conference.c` (FreeSWITCH cuts the path). */
  callingFile: string;
  /** Event-Calling-Function, e.g. `conference_member_add`. */
  callingFunction: string;
  /** Event-Calling-Line-Number. */
  callingLine: number;
}

/** Microseconds since the Unix epoch, the unit of Event-Date-Timestamp. */
export type MicroClock = () => number;

/** The process clock with microsecond resolution (what switch_micro_time_now gives FreeSWITCH). */
export const systemMicroClock: MicroClock = () =>
  Math.floor((performance.timeOrigin + performance.now()) * 1000);

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Event-Date-Local: strftime("%Y-%m-%d %T") in the local time zone, like FreeSWITCH. */
export function formatEventDateLocal(micros: number): string {
  const d = new Date(Math.floor(micros / 1000));
  return (
    `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ` +
    `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`
  );
}

/** Event-Date-GMT: APR's rfc822 date, day zero-padded: `Sun, 22 Nov 2026 12:22:18 GMT`. */
export function formatEventDateGmt(micros: number): string {
  const d = new Date(Math.floor(micros / 1000));
  return (
    `${DAYS[d.getUTCDay()]}, ${pad2(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} GMT`
  );
}

/**
 * Makes one event: Event-Subclass (CUSTOM only, and FreeSWITCH puts it first), Event-Name, Core-UUID,
 * FreeSWITCH-Hostname/Switchname/IPv4/IPv6, Event-Date-Local/GMT/Timestamp,
 * Event-Calling-File/Function/Line-Number, Event-Sequence, then `extraHeaders` in the order given.
 * Takes the next sequence number from `identity`. Values are unencoded; the wire encoder encodes them.
 * `body` (BACKGROUND_JOB's result, for instance) must not be given as a Content-Length header: the
 * encoder adds Content-Length itself, as FreeSWITCH does.
 */
export function buildEvent(
  identity: SimIdentity,
  source: EventSource,
  extraHeaders: ReadonlyArray<readonly [string, string]> = [],
  body?: string,
  clock: MicroClock = systemMicroClock,
): SimEvent {
  if (source.subclass !== undefined && source.name !== 'CUSTOM')
    throw new Error(`event ${source.name} cannot have a subclass (FreeSWITCH allows one only on CUSTOM)`);
  if (!Number.isInteger(source.callingLine) || source.callingLine < 0)
    throw new Error(`bad calling line ${source.callingLine}`);
  const micros = clock();
  const headers: Array<[string, string]> = [];
  if (source.subclass !== undefined) headers.push(['Event-Subclass', source.subclass]);
  headers.push(
    ['Event-Name', source.name],
    ['Core-UUID', identity.coreUuid],
    ['FreeSWITCH-Hostname', identity.hostname],
    ['FreeSWITCH-Switchname', identity.switchname],
    ['FreeSWITCH-IPv4', identity.ipv4],
    ['FreeSWITCH-IPv6', identity.ipv6],
    ['Event-Date-Local', formatEventDateLocal(micros)],
    ['Event-Date-GMT', formatEventDateGmt(micros)],
    ['Event-Date-Timestamp', String(micros)],
    ['Event-Calling-File', source.callingFile],
    ['Event-Calling-Function', source.callingFunction],
    ['Event-Calling-Line-Number', String(source.callingLine)],
    ['Event-Sequence', String(identity.nextSequence())],
  );
  for (const [name, value] of extraHeaders) headers.push([name, value]);
  return body === undefined ? { headers } : { headers, body };
}
