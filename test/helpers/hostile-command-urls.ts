// The one generator of hostile conference command URLs for the fuzz tests (seeded, so a failure can be
// replayed): valid commands with one structural or control character inserted (raw, encoded,
// double-encoded), arguments replaced by hostile atoms, wrong arities, unknown commands, absurd
// lengths. `hostileCommandTails` makes the `{command}&args` tails for any set of valid commands and
// names (the domain's fuzz test); `hostileCommandUrls` puts them into whole
// /my/conference/{confName}/... URLs with hostile conference segments and prefixes (the HTTP one).

import { prng } from './prng.js';

export { prng };

/** Hostile argument atoms, whatever the conference: control characters, encodings, injections. */
export const HOSTILE_ATOMS = [
  '\r\n', '\r', '\n', '\0', '\t', '\u0085', '\u2028', '\u202e', '\u200b', '\ufeff', '\x1b[2J',
  '%0D%0A', '%0d%0a', '%00', '%250D%250A', '%25%30%44', '{x}', '{origination_caller_id_number=666}',
  '[leg_timeout=1]', '<x=1>', '.', '..', '%2E', '%2e%2e', '../', '..%2F', '%2e%2e%2f', '/etc/passwd', '\\',
  "'", '"', '$', '${system(id)}', '$${x}', '&', '%26', '|', ',', ':_:', ';', ' ', '%20', '+', '%', '%Z',
  '%C3', '%FF', '😀', '\ud83d', '２００', '١٢٣', 'x'.repeat(300), '9'.repeat(5000), 'api status',
  'bgapi originate', 'exit', 'sofia/internal/a@b,user/1', 'user/1|user/2', 'http://evil/x.wav', 'say:en:x',
  'file_string://a!b', '\u0000api status\n\n', '?format=json', '#frag',
]; // prettier-ignore

/** Characters inserted one at a time into valid commands. */
export const HOSTILE_CHARS = [
  '{', '}', '[', ']', '<', '>', '\r', '\n', '\0', '\t', '\u0085', '\u2028', '\u202e', '\u200b', ',', '|',
  ':', ';', "'", '"', '\\', '$', '%', '&', ' ', '/', '..', '@', '=', '#', '*', '+', '!', '?', '(', ')',
  '^', '~', '`', 'é', '\x7f',
]; // prettier-ignore

/** encodeURIComponent that leaves a lone surrogate raw (it cannot be encoded; it can still arrive raw). */
export const enc = (text: string): string => {
  try {
    return encodeURIComponent(text);
  } catch {
    return text;
  }
};

/** What the tails are made of: commands valid in the test's world, its own names and ids, command names. */
export interface CommandWorld {
  validTails: readonly string[];
  /** Plausible arguments in this world (member ids, users, conferences, files); HOSTILE_ATOMS are added. */
  atoms: readonly string[];
  commandNames: readonly string[];
}

/** `{command}&args` tails drawn with `rnd`. */
export function hostileCommandTails(rnd: () => number, world: CommandWorld): () => string {
  const { validTails, commandNames } = world;
  const atoms = [...world.atoms, ...HOSTILE_ATOMS];
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)] as T;
  const encodeSome = (text: string): string =>
    [...text]
      .map((ch) =>
        rnd() < 0.3 ? enc(ch).replace(/%[0-9A-F]{2}/g, (h) => (rnd() < 0.5 ? h.toLowerCase() : h)) : ch,
      )
      .join('');
  const transform = (text: string): string => {
    const r = rnd();
    if (r < 0.3) return text;
    if (r < 0.6) return enc(text);
    if (r < 0.7) return enc(enc(text));
    if (r < 0.9) return encodeSome(text);
    return text.toUpperCase();
  };
  const atom = (): string => {
    const n = 1 + Math.floor(rnd() * 3);
    const sep = rnd() < 0.5 ? '' : pick(['/', '.', '-', ' ', '@']);
    return Array.from({ length: n }, () => pick(atoms)).join(sep);
  };
  const insertChar = (tail: string): string => {
    // One structural or control character, raw or encoded, somewhere inside a valid command.
    const parts = tail.split('&');
    const j = Math.floor(rnd() * parts.length);
    const p = parts[j] ?? '';
    const at = Math.floor(rnd() * (p.length + 1));
    const ch = pick(HOSTILE_CHARS);
    const r = rnd();
    parts[j] = p.slice(0, at) + (r < 0.4 ? ch : r < 0.8 ? enc(ch) : enc(enc(ch))) + p.slice(at);
    return parts.join('&');
  };
  return () => {
    const r = rnd();
    if (r < 0.3) return insertChar(pick(validTails));
    if (r < 0.5) {
      // A valid command with one argument replaced, inserted into, corrupted or dropped.
      const parts = pick(validTails).split('&');
      const i = Math.floor(rnd() * (parts.length + 1));
      const mode = rnd();
      if (mode < 0.4 && i > 0 && i < parts.length) parts[i] = transform(atom());
      else if (mode < 0.6) parts.splice(i, 0, transform(atom()));
      else if (mode < 0.8) {
        const j = Math.floor(rnd() * parts.length);
        const p = parts[j] ?? '';
        const at = Math.floor(rnd() * (p.length + 1));
        parts[j] = p.slice(0, at) + transform(pick(atoms)) + p.slice(at);
      } else parts.pop();
      return parts.join('&');
    }
    if (r < 0.6) return pick(validTails);
    // Random command, random arity (including absurd ones), random atoms.
    const arity = rnd() < 0.9 ? Math.floor(rnd() * 5) : Math.floor(rnd() * 40);
    const name = rnd() < 0.9 ? pick(commandNames) : transform(atom());
    return [
      rnd() < 0.1 ? transform(name) : name,
      ...Array.from({ length: arity }, () => transform(atom())),
    ].join('&');
  };
}

// ---- the HTTP fuzz test's world: alice-conf with members 1-4 -------------------------------------

/** Valid tails against alice-conf with members 1-4 (some ids will not exist at the time: 404s). */
export const VALID_TAILS = [
  'mute&1', 'unmute&all', 'deaf&last', 'undeaf&2', 'tmute&1', 'energy&2&300', 'volume_in&1&-2',
  'volume_out&last&up', 'dtmf&1&12%23*', 'lock', 'unlock', 'nopin', 'pin&1234',
  'play&tone_stream://%25(100,100,350)', 'play&conference/conf-pin.wav&1', 'play&silence_stream://500&async',
  'stop&all', 'stop&current&2', 'say&hello%20world', 'saymember&1&hi', 'relate&1&2&nohear',
  'relate&1&2&clear', 'transfer&alice-second&3', 'dial&loopback/9991/default&1005&Eve', 'dial&201',
  'bgdial&user/202', 'invite&201', 'inviteim&carol', 'record', 'record&stop', 'record&status',
  'record&duration', 'norecord&all', 'norecord&alice-conf-20261122T101500.123Z.wav', 'list', 'xml_list',
  'dial&user/202@example.org&%2B4930&Zo%C3%AB', 'play&tone_stream://L=2;%25(100,100,350,440)',
  'dtmf&all&ABCD', 'energy&all&up', 'pin&0042', 'stop&last&1', 'kick&3', 'hup&4',
]; // prettier-ignore

const ALICE_ATOMS = [
  '1', '2', '0', '-1', '1800', '1801', '4', '-5', '2147483647', '2147483648', '007', 'all', 'last', 'ALL',
  'async', 'up', 'down', 'current', 'nospeak', 'clear', 'stop', 'status', 'duration', '1234', '12#*AD',
  'hello', 'hello world', 'Grüß Gott', '200', '201', '202', 'admin', '999', 'carol', 'user/200',
  'user/200@example.org', 'user/200@evil.org', 'loopback/9991/default', 'loopback/1/other',
  'sofia/internal/1000@127.0.0.1:5076', 'alice-second', 'carol-conf', 'alice-conf', 'ivr/ivr-welcome.wav',
  'tone_stream://%(1,1,1)', 'silence_stream://-1', 'alice-conf-20261122T101500.123Z.wav',
  '/var/lib/freeswitch/recordings/alice-conf-20261122T101500.123Z.wav',
]; // prettier-ignore

const COMMAND_NAMES = [
  'mute', 'unmute', 'deaf', 'undeaf', 'kick', 'hup', 'tmute', 'energy', 'volume_in', 'volume_out', 'dtmf',
  'lock', 'unlock', 'nopin', 'pin', 'play', 'stop', 'say', 'saymember', 'relate', 'transfer', 'dial',
  'bgdial', 'invite', 'inviteim', 'record', 'norecord', 'list', 'xml_list', 'bogus', 'json_list',
  'vid-layout', 'set', 'getvar', 'chkrecord',
]; // prettier-ignore

const CONFERENCE_SEGMENTS = [
  'alice-conf', 'alice%2Dconf', 'ALICE-CONF', 'alice-conf%0D%0A', 'alice-conf%00', 'alice-conf%20lock',
  'alice-conf@default', 'alice-conf%40default', '..', '%2e%2e', '.', '%2E', '.%2e', 'carol-conf', 'no-such-conf', '',
  'alice-conf;x', '%', 'a'.repeat(300),
]; // prettier-ignore

export interface HostileRequest {
  method: 'GET' | 'PUT';
  path: string;
}

export function hostileCommandUrls(seed: number): () => HostileRequest {
  const rnd = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)] as T;
  const tail = hostileCommandTails(rnd, {
    validTails: VALID_TAILS,
    atoms: ALICE_ATOMS,
    commandNames: COMMAND_NAMES,
  });
  return () => {
    const conf = rnd() < 0.9 ? 'alice-conf' : pick(CONFERENCE_SEGMENTS);
    const prefix = rnd() < 0.3 ? '/sipxconfig/rest' : '';
    return { method: rnd() < 0.5 ? 'GET' : 'PUT', path: `${prefix}/my/conference/${conf}/${tail()}` };
  };
}
