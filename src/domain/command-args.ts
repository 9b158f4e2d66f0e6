// Argument grammars of the conference commands. Each grammar takes one decoded URL argument and either
// returns a typed value in canonical form (what goes on the ESL line) or says why it is refused.
// Ranges follow FreeSWITCH's mod_conference (conference_api.c): volumes are clamped to -4..4 by
// switch_normalize_volume, energy steps with up/down stop at 0 and 1800, member ids are uint32 read
// with atoi (0 means "not an id").
import type { Check } from './check.js';
import { fail, ok } from './check.js';
import { hasControlChars } from './url-decoding.js';

export type { Check };

/** One argument's grammar: a label for docs/usage and a parser to the typed value. */
export interface Grammar<T> {
  readonly label: string;
  parse(raw: string): Check<T>;
}

/** FreeSWITCH reads member ids with atoi into an int: anything above this is not a member id. */
export const MAX_MEMBER_ID = 2_147_483_647;
export const ENERGY_MIN = 0;
export const ENERGY_MAX = 1800;
export const VOLUME_MIN = -4;
export const VOLUME_MAX = 4;
export const MAX_DTMF_DIGITS = 64;
export const MAX_PIN_DIGITS = 16;
export const MAX_SAY_TEXT = 256;
export const MAX_CONFERENCE_NAME = 64;
/** FreeSWITCH splits a conference api line into at most 25 words; `transfer` uses 3 of them. */
export const MAX_TRANSFER_MEMBERS = 20;

export type MemberTarget = number | 'all' | 'last';
export type LevelChange = number | 'up' | 'down';

const MEMBER_ID_RE = /^[1-9][0-9]{0,9}$/;

export const memberId: Grammar<number> = {
  label: '<member_id>',
  parse(raw) {
    if (!MEMBER_ID_RE.test(raw)) return fail(`not a member id: expected 1-${MAX_MEMBER_ID}`);
    const id = Number(raw);
    return id <= MAX_MEMBER_ID ? ok(id) : fail(`member id above ${MAX_MEMBER_ID}`);
  },
};

/** A fixed set of words, matched case-insensitively (FreeSWITCH uses strcasecmp) and returned lower-case. */
export function keyword<const W extends string>(words: readonly W[]): Grammar<W> {
  return {
    label: words.join('|'),
    parse(raw) {
      const lower = raw.toLowerCase();
      const hit = words.find((w) => w === lower);
      return hit !== undefined ? ok(hit) : fail(`expected one of ${words.join(', ')}`);
    },
  };
}

/** Either grammar; the first that accepts wins. */
export function oneOf<A, B>(a: Grammar<A>, b: Grammar<B>): Grammar<A | B> {
  return {
    label: `${a.label}|${b.label}`,
    parse(raw) {
      const first = a.parse(raw);
      if (first.ok) return first;
      const second = b.parse(raw);
      return second.ok ? second : fail(`expected ${a.label} or ${b.label}`);
    },
  };
}

export const memberTarget: Grammar<MemberTarget> = {
  label: '<member_id|all|last>',
  parse: oneOf(memberId, keyword(['all', 'last'])).parse,
};

export const memberOrAsync: Grammar<number | 'async'> = {
  label: '<member_id|async>',
  parse: oneOf(memberId, keyword(['async'])).parse,
};

/** A whole number in [min, max], written as optional sign and at most 6 digits; canonical output. */
export function boundedInt(min: number, max: number): Grammar<number> {
  return {
    label: `<${min}..${max}>`,
    parse(raw) {
      if (!/^[+-]?[0-9]{1,6}$/.test(raw)) return fail(`expected a whole number ${min}..${max}`);
      const n = Number(raw);
      if (n < min || n > max) return fail(`expected a whole number ${min}..${max}`);
      return ok(n === 0 ? 0 : n); // "-0" and "+0" become 0
    },
  };
}

function levelChange(min: number, max: number): Grammar<LevelChange> {
  const number = boundedInt(min, max);
  return {
    label: `<${min}..${max}|up|down>`,
    parse: oneOf(number, keyword(['up', 'down'])).parse,
  };
}

export const energyLevel = levelChange(ENERGY_MIN, ENERGY_MAX);
export const volumeLevel = levelChange(VOLUME_MIN, VOLUME_MAX);

const DTMF_RE = new RegExp(`^[0-9*#A-Da-d]{1,${MAX_DTMF_DIGITS}}$`);

/** DTMF digits 0-9 * # A-D (lower-case a-d accepted, sent upper-case). */
export const dtmfDigits: Grammar<string> = {
  label: '<digits 0-9*#A-D>',
  parse(raw) {
    return DTMF_RE.test(raw)
      ? ok(raw.toUpperCase())
      : fail(`expected 1-${MAX_DTMF_DIGITS} DTMF digits 0-9, *, #, A-D`);
  },
};

const PIN_RE = new RegExp(`^[0-9]{1,${MAX_PIN_DIGITS}}$`);

export const pinDigits: Grammar<string> = {
  label: '<pin digits>',
  parse(raw) {
    return PIN_RE.test(raw) ? ok(raw) : fail(`expected a PIN of 1-${MAX_PIN_DIGITS} digits`);
  },
};

/**
 * Text for `say`/`saymember`: letters, marks and digits of any script, single spaces and . , ! ? : ; -
 * Excluded on purpose: `$ { }` (saymember runs switch_channel_expand_variables, and `${...}` can call
 * API functions), quotes and backslash (FreeSWITCH's argument splitter treats them as quoting/escapes),
 * `%`, `&`, `|`, `<`, `>`, and every control or format character.
 */
const SAY_TEXT_RE = /^[\p{L}\p{M}\p{N}.,!?:; -]+$/u;

export const sayText: Grammar<string> = {
  label: '<text>',
  parse(raw) {
    if (hasControlChars(raw)) return fail('control characters are not allowed');
    const text = raw.trim().replace(/ {2,}/g, ' ');
    if (text === '') return fail('text is empty');
    if ([...text].length > MAX_SAY_TEXT) return fail(`text longer than ${MAX_SAY_TEXT} characters`);
    if (!SAY_TEXT_RE.test(text))
      return fail('text may contain only letters, digits, spaces and . , ! ? : ; -');
    return ok(text);
  },
};

/**
 * Conference names as they may appear on an ESL line and in a recording file name (`<name>-<time>.wav`,
 * never a path segment of its own). `@` is excluded
 * (FreeSWITCH reads `name@profile`), and so is everything its argument splitter or a file system
 * could misread.
 */
export const CONFERENCE_NAME_RE = new RegExp(`^[A-Za-z0-9_.-]{1,${MAX_CONFERENCE_NAME}}$`);

/** Same grammar as the store's conference names; `..` is harmless: it is never a path segment. */
export function isSafeConferenceName(name: string): boolean {
  return CONFERENCE_NAME_RE.test(name);
}

export const conferenceName: Grammar<string> = {
  label: '<conference_name>',
  parse(raw) {
    return isSafeConferenceName(raw)
      ? ok(raw)
      : fail(`not a conference name (letters, digits, _ . -, at most ${MAX_CONFERENCE_NAME})`);
  },
};

/** FreeSWITCH conference profile names (`name@profile`), as the daemon configures them. */
export const PROFILE_NAME_RE = /^[A-Za-z0-9_-]{1,64}$/;

export const relation = keyword(['nospeak', 'nohear', 'clear']);
export const stopMode = keyword(['current', 'all', 'async', 'last']);
export const allKeyword = keyword(['all']);
