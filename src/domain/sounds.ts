// What `play` may play: a sound file under the configured sound directory, named relatively, or a
// tone/silence generator with a strict grammar. FreeSWITCH's play accepts far more (absolute paths,
// http://, shout://, say:, file_string:// chains, {var=...} prefixes); none of that is reachable here.
import type { Check } from './check.js';
import { fail, ok } from './check.js';

export const MAX_SOUND_NAME = 200;
const MAX_SOUND_DEPTH = 8;
const MAX_GENERATOR = 256;
const MAX_TONE_ITEMS = 16;

/** One path segment: no leading dot (so no `.`, `..` or hidden files), only safe characters. */
const SEGMENT_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

/** An absolute directory made of safe segments, e.g. `/usr/share/freeswitch/sounds/en/us/callie`. */
export function isSafeAbsoluteDir(dir: string): boolean {
  if (dir.length === 0 || dir.length > 200 || !dir.startsWith('/')) return false;
  const trimmed = dir.endsWith('/') ? dir.slice(0, -1) : dir;
  if (trimmed === '') return false;
  return trimmed
    .slice(1)
    .split('/')
    .every((segment) => SEGMENT_RE.test(segment) && !segment.includes('..'));
}

function stripTrailingSlash(dir: string): string {
  return dir.endsWith('/') ? dir.slice(0, -1) : dir;
}

/** `conference/conf-pin.wav`, `ivr/8000/ivr-welcome`: relative, safe segments, no `..`. */
export function checkRelativeSoundName(name: string): Check<string> {
  if (name.length === 0) return fail('sound name is empty');
  if (name.length > MAX_SOUND_NAME) return fail(`sound name longer than ${MAX_SOUND_NAME}`);
  if (name.startsWith('/') || name.startsWith('\\')) return fail('absolute sound paths are not allowed');
  if (name.includes('..')) return fail('".." is not allowed in a sound name');
  const segments = name.split('/');
  if (segments.length > MAX_SOUND_DEPTH) return fail('sound name nested too deep');
  if (!segments.every((s) => SEGMENT_RE.test(s)))
    return fail('sound names use letters, digits, _ . - and / between folders');
  return ok(name);
}

// TGML subset: items separated by `;`. A tone is %(on_ms,off_ms,freq[,freq...]) with up to 4
// frequencies; settings are L=<repeats>, loops=<n|-1> and v=<volume dB>.
const TONE_ITEM_RE =
  /^(?:%\([0-9]{1,5},[0-9]{1,5},[0-9]{1,5}(?:\.[0-9]{1,3})?(?:,[0-9]{1,5}(?:\.[0-9]{1,3})?){0,3}\)|L=[0-9]{1,3}|loops=(?:-1|[0-9]{1,3})|v=-?[0-9]{1,2})$/;

export function checkToneStream(spec: string): Check<string> {
  const prefix = 'tone_stream://';
  if (!spec.startsWith(prefix)) return fail('not a tone_stream:// generator');
  if (spec.length > MAX_GENERATOR) return fail(`tone_stream longer than ${MAX_GENERATOR}`);
  const items = spec.slice(prefix.length).split(';');
  if (items.length > MAX_TONE_ITEMS) return fail(`at most ${MAX_TONE_ITEMS} tone items`);
  if (!items.every((item) => TONE_ITEM_RE.test(item)))
    return fail('tone_stream:// accepts only %(on,off,freq[,freq...]), L=n, loops=n and v=n items');
  if (!items.some((item) => item.startsWith('%('))) return fail('tone_stream:// needs at least one tone');
  return ok(spec);
}

const SILENCE_RE = /^silence_stream:\/\/(?:-1|[0-9]{1,7})(?:,[0-9]{1,5})?$/;

export function checkSilenceStream(spec: string): Check<string> {
  return SILENCE_RE.test(spec)
    ? ok(spec)
    : fail('silence_stream:// accepts only <ms|-1>[,<comfort noise level>]');
}

/**
 * Turns the `play` argument into what FreeSWITCH gets: a generator unchanged, or the sound's absolute
 * path under `soundDir`. The directory is configuration, but it is checked too: it ends up on the line.
 */
export function resolveSound(requested: string, soundDir: string): Check<string> {
  if (requested.startsWith('tone_stream://')) return checkToneStream(requested);
  if (requested.startsWith('silence_stream://')) return checkSilenceStream(requested);
  if (/^[A-Za-z][A-Za-z0-9+._-]*:/.test(requested))
    return fail('only tone_stream:// and silence_stream:// generators are allowed');
  const name = checkRelativeSoundName(requested);
  if (!name.ok) return name;
  if (!isSafeAbsoluteDir(soundDir)) return fail('the sound directory is not configured safely');
  return ok(`${stripTrailingSlash(soundDir)}/${name.value}`);
}
