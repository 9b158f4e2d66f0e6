// How mod_conference's conference application reads its data and admits a caller that came through a
// fetched dialplan (issue 7), in its order (mod_conference.c, conference_function): the flags are cut
// off first, then `+PIN`, then `@profile`; then the PIN prompt (the data's PIN wins over the
// conference's; the moderator PIN admits a moderator), the lock, and max members. Pure.
import type { ConferenceCaller } from './config.js';

export interface ConferenceData {
  name: string;
  profile: string;
  /** What follows the first `+` (before any `+flags{`). */
  pin?: string;
  /** `+flags{a|b}` split on `|` or `,`; undefined when there is no flags part. */
  flags?: string[];
}

/** `name@profile[+pin][+flags{..}]` as the conference application takes it. */
export function parseConferenceData(data: string): ConferenceData {
  let main = data;
  let flags: string[] | undefined;
  const at = data.indexOf('+flags{');
  if (at !== -1) {
    const close = data.indexOf('}', at);
    flags = data
      .slice(at + '+flags{'.length, close === -1 ? undefined : close)
      .split(/[|,]/)
      .filter((f) => f !== '');
    main = data.slice(0, at);
  }
  const [head = '', pin] = main.split('+');
  const sep = head.lastIndexOf('@');
  const name = sep === -1 ? head : head.slice(0, sep);
  const profile = sep === -1 ? 'default' : head.slice(sep + 1) || 'default';
  return { name, profile, ...(pin ? { pin } : {}), ...(flags ? { flags } : {}) };
}

export interface RoomState {
  /** The conference's own PIN (profile `pin` or `conference <name> pin`). */
  pin: string | undefined;
  moderatorPin: string | undefined;
  locked: boolean;
  full: boolean;
}

export type Admission =
  { ok: true; moderatorByPin: boolean } | { ok: false; reason: 'locked' | 'full' | 'pin' };

export function admitCaller(
  room: RoomState,
  dataPin: string | undefined,
  caller: ConferenceCaller,
): Admission {
  let moderatorByPin = false;
  if (caller.enforceSecurity) {
    const pin = dataPin || room.pin || '';
    const mpin = caller.moderatorPin || room.moderatorPin || '';
    if (pin !== '' || mpin !== '') {
      const keyed = caller.keyedPin ?? '';
      if (pin !== '' && keyed === pin) moderatorByPin = false;
      else if (mpin !== '' && keyed === mpin) moderatorByPin = true;
      else return { ok: false, reason: 'pin' };
    }
    if (room.locked) return { ok: false, reason: 'locked' };
  }
  // Max members is checked for every caller, security or not.
  if (room.full) return { ok: false, reason: 'full' };
  return { ok: true, moderatorByPin };
}
