// One ESL connection's event subscription and filters, with mod_event_socket's exact semantics and reply
// texts for `event`, `nixevent`, `noevents` and `filter` (parse_command and event_handler in
// mod_event_socket.c). Pure: no sockets, no telephony.
import type { SimEvent } from './types.js';
import type { EventFormat } from './wire.js';
import { eventIdentity } from './wire.js';

/** FreeSWITCH's event names (EVENT_NAMES in switch_event.c, 1.10/1.11), `ALL` last. */
export const EVENT_NAMES: readonly string[] = [
  'CUSTOM', 'CLONE', 'CHANNEL_CREATE', 'CHANNEL_DESTROY', 'CHANNEL_STATE', 'CHANNEL_CALLSTATE',
  'CHANNEL_ANSWER', 'CHANNEL_HANGUP', 'CHANNEL_HANGUP_COMPLETE', 'CHANNEL_EXECUTE', 'CHANNEL_EXECUTE_COMPLETE',
  'CHANNEL_HOLD', 'CHANNEL_UNHOLD', 'CHANNEL_BRIDGE', 'CHANNEL_UNBRIDGE', 'CHANNEL_PROGRESS',
  'CHANNEL_PROGRESS_MEDIA', 'CHANNEL_OUTGOING', 'CHANNEL_PARK', 'CHANNEL_UNPARK', 'CHANNEL_APPLICATION',
  'CHANNEL_ORIGINATE', 'CHANNEL_UUID', 'API', 'LOG', 'INBOUND_CHAN', 'OUTBOUND_CHAN', 'STARTUP', 'SHUTDOWN',
  'PUBLISH', 'UNPUBLISH', 'TALK', 'NOTALK', 'SESSION_CRASH', 'MODULE_LOAD', 'MODULE_UNLOAD', 'DTMF', 'MESSAGE',
  'PRESENCE_IN', 'NOTIFY_IN', 'PRESENCE_OUT', 'PRESENCE_PROBE', 'MESSAGE_WAITING', 'MESSAGE_QUERY', 'ROSTER',
  'CODEC', 'BACKGROUND_JOB', 'DETECTED_SPEECH', 'DETECTED_TONE', 'PRIVATE_COMMAND', 'HEARTBEAT', 'TRAP',
  'ADD_SCHEDULE', 'DEL_SCHEDULE', 'EXE_SCHEDULE', 'RE_SCHEDULE', 'RELOADXML', 'NOTIFY', 'PHONE_FEATURE',
  'PHONE_FEATURE_SUBSCRIBE', 'SEND_MESSAGE', 'RECV_MESSAGE', 'REQUEST_PARAMS', 'CHANNEL_DATA', 'GENERAL',
  'COMMAND', 'SESSION_HEARTBEAT', 'CLIENT_DISCONNECTED', 'SERVER_DISCONNECTED', 'SEND_INFO', 'RECV_INFO',
  'RECV_RTCP_MESSAGE', 'SEND_RTCP_MESSAGE', 'CALL_SECURE', 'NAT', 'RECORD_START', 'RECORD_STOP',
  'PLAYBACK_START', 'PLAYBACK_STOP', 'CALL_UPDATE', 'FAILURE', 'SOCKET_DATA', 'MEDIA_BUG_START',
  'MEDIA_BUG_STOP', 'CONFERENCE_DATA_QUERY', 'CONFERENCE_DATA', 'CALL_SETUP_REQ', 'CALL_SETUP_RESULT',
  'CALL_DETAIL', 'DEVICE_STATE', 'TEXT', 'SHUTDOWN_REQUESTED', 'ALL',
]; // prettier-ignore

const KNOWN = new Set(EVENT_NAMES);

/** switch_name_event: case-insensitive, and `SWITCH_EVENT_` may prefix the name. */
export function nameEvent(token: string): string | undefined {
  const upper = token.toUpperCase();
  if (KNOWN.has(upper)) return upper;
  if (token.length > 13 && KNOWN.has(upper.slice(13))) return upper.slice(13);
  return undefined;
}

/** Words after the command word, split on single spaces like the C code (empty words included). */
function wordsAfter(line: string, from: number): string[] | undefined {
  const space = line.indexOf(' ', from);
  return space === -1 ? undefined : line.slice(space + 1).split(' ');
}

export class Subscription {
  format: EventFormat = 'plain';
  /** LFLAG_EVENTS: whether events flow to this connection at all. */
  enabled = false;
  private readonly names = new Set<string>();
  private readonly subclasses = new Set<string>();
  private filters: Array<[string, string]> = [];

  /** `event [plain|json] <names...> [CUSTOM <subclasses...>]`. `line` is the whole command line. */
  event(line: string): string {
    let keys = 0;
    let custom = false;
    const words = wordsAfter(line, 5) ?? [];
    for (let i = 0; i < words.length; i++) {
      const word = words[i]!;
      if (i === 0) {
        const format = word.toLowerCase();
        if (format === 'plain' || format === 'json') {
          this.format = format;
          continue;
        }
        // XML serialization (switch_event_xmlize) is not simulated; say so rather than send wrong bytes.
        if (format === 'xml') return '-ERR the simulator sends plain and json events only';
      }
      if (custom) {
        this.subclasses.add(word);
        continue;
      }
      const name = nameEvent(word);
      if (name === undefined) continue;
      keys++;
      if (name === 'ALL') for (const n of EVENT_NAMES) this.names.add(n);
      this.names.add(name);
      if (name === 'CUSTOM') custom = true;
    }
    if (keys === 0) return '-ERR no keywords supplied';
    this.enabled = true;
    return `+OK event listener enabled ${this.format}`;
  }

  /** `nixevent <names...> [CUSTOM <subclasses...>]`. */
  nixevent(line: string): string {
    let keys = 0;
    let custom = false;
    // The C code starts looking for the space at cmd + 5 (inside "nixevent"); the result is the same.
    for (const word of wordsAfter(line, 5) ?? []) {
      if (custom) {
        this.subclasses.delete(word);
        continue;
      }
      const name = nameEvent(word);
      if (name === undefined) continue;
      keys++;
      if (name === 'CUSTOM') custom = true;
      else if (name === 'ALL') this.names.clear();
      else {
        if (this.names.has('ALL')) {
          this.names.delete('ALL');
          for (const n of EVENT_NAMES) if (n !== 'ALL') this.names.add(n);
        }
        this.names.delete(name);
      }
    }
    if (keys === 0) return '-ERR no keywords supplied';
    this.enabled = true;
    return '+OK events nixed';
  }

  /** `noevents`: the caller also drops events already queued for the connection. */
  noevents(): string {
    if (!this.enabled) return '-ERR not listening for events';
    this.enabled = false;
    this.names.clear();
    this.subclasses.clear();
    return '+OK no longer listening for events';
  }

  /** `filter <header> <value>`, `filter add ...`, `filter delete <header> [<value>]`, `filter delete all`. */
  filter(line: string): string {
    let { name, value } = splitAtSpace(line.slice(7).replace(/^ +/, ''));
    if (name.toLowerCase() === 'delete' && value !== undefined) {
      ({ name, value } = splitAtSpace(value));
      if (name.toLowerCase() === 'all') this.filters = [];
      else
        this.filters = this.filters.filter(
          ([n, v]) =>
            n.toLowerCase() !== name.toLowerCase() || (value !== undefined && value !== '' && v !== value),
        );
      return `+OK filter deleted. [${name}][${value ?? ''}]`;
    }
    if (value === undefined) return '-ERR invalid syntax';
    if (name.toLowerCase() === 'add') ({ name, value } = splitAtSpace(value));
    // A value starting with '/' is a PCRE in FreeSWITCH; a client-supplied regex is not run here.
    if (value?.startsWith('/')) return '-ERR the simulator does not run regex filters';
    if (value !== undefined) this.filters.push([name, value]);
    return `+OK filter added. [${name}]=[${value ?? '(null)'}]`;
  }

  /** Whether an event goes to this connection (event_handler in mod_event_socket.c). */
  wants(event: SimEvent): boolean {
    if (!this.enabled) return false;
    const { name, subclass } = eventIdentity(event);
    let send = this.names.has('ALL');
    if (!send && name !== undefined && this.names.has(name))
      send = name !== 'CUSTOM' || subclass === undefined || this.subclasses.has(subclass);
    if (!send || this.filters.length === 0) return send;
    return this.passesFilters(event);
  }

  private passesFilters(event: SimEvent): boolean {
    let send = false;
    for (const [name, raw] of this.filters) {
      const lower = name.toLowerCase();
      const value = event.headers.find(([n]) => n.toLowerCase() === lower)?.[1];
      if (value === undefined) continue;
      const prefix = /^[+\- ]*/.exec(raw)![0];
      const positive = !prefix.replace(/ /g, '').endsWith('-');
      if (send && positive) continue;
      if (value.toLowerCase() === raw.slice(prefix.length).toLowerCase()) {
        if (!positive) return false;
        send = true;
      }
    }
    return send;
  }
}

function splitAtSpace(text: string): { name: string; value: string | undefined } {
  const space = text.indexOf(' ');
  return space === -1
    ? { name: text, value: undefined }
    : { name: text.slice(0, space), value: text.slice(space + 1) };
}
