// What may reach an ESL command line. ESL frames a command as "line\n[headers\n]\n", so a CR, LF or
// NUL inside a command would end it early and let the rest run as a second command (modesl's send()
// writes its argument verbatim). Pure: no I/O.
import { EslUnsafeCommandError } from './errors.js';

/** FreeSWITCH's own limit on a command line is far above this; anything longer is not ours. */
export const MAX_COMMAND_BYTES = 64 * 1024;

const FORBIDDEN = /[\r\n\0]/;

/** Throws EslUnsafeCommandError unless `command` is one non-empty, bounded line. */
export function assertSafeCommand(command: unknown): asserts command is string {
  if (typeof command !== 'string') throw new EslUnsafeCommandError('command is not a string');
  const bad = FORBIDDEN.exec(command);
  if (bad) {
    const what = bad[0] === '\r' ? 'CR' : bad[0] === '\n' ? 'LF' : 'NUL';
    throw new EslUnsafeCommandError(`command contains ${what} at index ${bad.index}`);
  }
  if (command.trim() === '') throw new EslUnsafeCommandError('command is empty');
  if (command !== command.trimStart()) throw new EslUnsafeCommandError('command starts with white space');
  if (Buffer.byteLength(command, 'utf8') > MAX_COMMAND_BYTES)
    throw new EslUnsafeCommandError(`command is longer than ${MAX_COMMAND_BYTES} bytes`);
}

const EVENT_TOKEN = /^[A-Za-z0-9_.:-]{1,128}$/;

/** Events every session subscribes to, whatever the caller asked for. */
export const REQUIRED_EVENTS = ['BACKGROUND_JOB', 'HEARTBEAT', 'SHUTDOWN'] as const;

/**
 * Builds the argument of `event json ...` from entries like `CHANNEL_CREATE` or
 * `CUSTOM conference::maintenance`. FreeSWITCH treats every word after `CUSTOM` as a subclass, so
 * plain event names must come first and `CUSTOM <subclasses>` last (modesl's events() appends its
 * required events after whatever it was given, which would turn BACKGROUND_JOB into a subclass).
 * BACKGROUND_JOB, HEARTBEAT and SHUTDOWN are always included: bgapi needs the first, the client's
 * liveness watch the other two.
 */
export function buildEventSubscription(entries: readonly string[]): string {
  const names: string[] = [];
  const subclasses: string[] = [];
  let custom = false;
  for (const entry of entries) {
    const words = entry
      .trim()
      .split(/\s+/)
      .filter((w) => w !== '');
    if (words.length === 0) throw new EslUnsafeCommandError('empty event name');
    for (const word of words) {
      if (!EVENT_TOKEN.test(word)) throw new EslUnsafeCommandError(`bad event name "${word.slice(0, 40)}"`);
    }
    const [first, ...rest] = words as [string, ...string[]];
    if (first.toUpperCase() === 'CUSTOM') {
      custom = true;
      for (const sub of rest) if (!subclasses.includes(sub)) subclasses.push(sub);
    } else {
      if (rest.length > 0) throw new EslUnsafeCommandError(`only CUSTOM takes subclasses, got "${first}"`);
      const name = first.toUpperCase();
      if (!names.includes(name)) names.push(name);
    }
  }
  if (!names.includes('ALL'))
    for (const required of REQUIRED_EVENTS) if (!names.includes(required)) names.push(required);
  return [...names, ...(custom ? ['CUSTOM', ...subclasses] : [])].join(' ');
}
