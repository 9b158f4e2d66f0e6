// How mod_conference's conference application reads its data and admits a caller that came through a
// fetched dialplan (issue 7), in its order (mod_conference.c, conference_function): the flags are cut
// off first, then `+PIN`, then `@profile`; then the PIN prompt (the data's PIN wins over the
// conference's; the moderator PIN admits a moderator), the lock, and max members. Pure.
//
// The prompt reads digits up to the longer PIN's length or a `#` (switch_ivr_collect_digits_count with
// terminator `#`), so whatever the caller keyed after that (the `#` of `4321#`) stays queued and
// reaches the conference once the caller is in; a wrong PIN flushes the queue and asks again, up to
// PIN_RETRIES times.
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
  | { ok: true; moderatorByPin: boolean; leftoverDigits: string }
  | { ok: false; reason: 'locked' | 'full' | 'pin' };

/** mod_conference's pin_retries (profile `pin-retries`, 3 by default). */
export const PIN_RETRIES = 3;

/** One prompt: the digits read (at most `max`, or up to `#`, which is consumed) and what stays queued. */
export function collectPin(keyed: string, max: number): { pin: string; rest: string } {
  let pin = '';
  let i = 0;
  while (i < keyed.length && pin.length < max) {
    const c = keyed[i++]!;
    if (c === '#') break;
    pin += c;
  }
  return { pin, rest: keyed.slice(i) };
}

type PinCheck = { ok: true; moderator: boolean; rest: string } | { ok: false };

function promptForPin(pin: string, mpin: string, keyed: string | readonly string[] | undefined): PinCheck {
  const attempts = typeof keyed === 'string' ? [keyed] : (keyed ?? []);
  const max = Math.max(pin.length, mpin.length);
  for (let i = 0; i < PIN_RETRIES; i++) {
    const got = collectPin(attempts[i] ?? '', max);
    // validate_pin (mod_conference.h): the participant PIN first, then the moderator PIN
    if (pin !== '' && got.pin === pin) return { ok: true, moderator: false, rest: got.rest };
    if (mpin !== '' && got.pin === mpin) return { ok: true, moderator: true, rest: got.rest };
  }
  return { ok: false };
}

export function admitCaller(
  room: RoomState,
  dataPin: string | undefined,
  caller: ConferenceCaller,
): Admission {
  let moderatorByPin = false;
  let leftoverDigits = '';
  if (caller.enforceSecurity) {
    const pin = dataPin || room.pin || '';
    const mpin = caller.moderatorPin || room.moderatorPin || '';
    if (pin !== '' || mpin !== '') {
      const checked = promptForPin(pin, mpin, caller.keyedPin);
      if (!checked.ok) return { ok: false, reason: 'pin' };
      moderatorByPin = checked.moderator;
      leftoverDigits = checked.rest;
    }
    if (room.locked) return { ok: false, reason: 'locked' };
  }
  // Max members is checked for every caller, security or not.
  if (room.full) return { ok: false, reason: 'full' };
  return { ok: true, moderatorByPin, leftoverDigits };
}
