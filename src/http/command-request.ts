// Reading a conference command request: the raw `{confName}` and `{command}&args` of
// /my/conference/{confName}/{command}[&arg...] exactly as sent (still percent-encoded, so the command
// core decodes each argument once), and the CommandContext the grammar is checked against.
import type { Context } from 'hono';
import { getPath } from 'hono/utils/url';
import type { Config } from '../config.js';
import type { CommandContext } from '../domain/command-types.js';
import { findCommand } from '../domain/commands.js';
import { CALLER_ID_NAME_RE, type CallerId, type DialPolicy } from '../domain/dial-policy.js';
import type { Conference } from '../domain/conferences.js';
import { decodeUrlComponentOnce } from '../domain/url-decoding.js';
import type { Store } from '../store/store.js';
import { SIPX_PREFIX } from './app.js';

export interface RawCommandTarget {
  /** The `{confName}` segment, decoded once; undefined when it is not decodable. */
  conferenceName: string | undefined;
  /** Everything after `{confName}/`, undecoded; '' when there is no command. */
  tail: string;
}

/** Path segments before `{confName}`: `my`, `conference` (after the optional /sipxconfig/rest). */
const SEGMENTS_BEFORE_NAME = 3;

/**
 * Splits the raw request path. The router matched the decoded path, whose segments line up with the
 * raw ones (an encoded `/` stays `%2F` in both), so counting segments is enough.
 */
export function rawCommandTarget(c: Context): RawCommandTarget {
  const url = c.req.url;
  const start = url.indexOf('/', url.indexOf(':') + 3);
  const endMarks = [url.indexOf('?', start), url.indexOf('#', start)].filter((i) => i !== -1);
  const rawPath = url.slice(start, endMarks.length > 0 ? Math.min(...endMarks) : undefined);
  const prefixed = getPath(c.req.raw).startsWith(`${SIPX_PREFIX}/`);
  const segments = rawPath.split('/').slice(prefixed ? 2 : 0);
  const rawName = segments[SEGMENTS_BEFORE_NAME] ?? '';
  const name = decodeUrlComponentOnce(rawName, 256);
  return {
    conferenceName: name.ok ? name.value : undefined,
    tail: segments.slice(SEGMENTS_BEFORE_NAME + 1).join('/'),
  };
}

/** Whether the command in `tail` dials out (dial, bgdial, invite, inviteim): it needs the SIP domain. */
export function dialsOut(tail: string): boolean {
  const word = decodeUrlComponentOnce(tail.split('&')[0] ?? '', 64);
  return word.ok && findCommand(word.value)?.permission === 'owner-within-dial-policy';
}

/**
 * Caller ID of calls the conference places: its extension as the number (the called party can call
 * back into it) and its description, else its name, as the name. Never taken from the URL here.
 */
export function conferenceCallerId(conf: Pick<Conference, 'name' | 'extension' | 'description'>): CallerId {
  const description = conf.description.trim().replace(/ +/g, '_');
  const name = CALLER_ID_NAME_RE.test(description) ? description : conf.name;
  return { number: conf.extension, name };
}

export interface CommandContextInput {
  conf: Conference;
  config: Pick<Config, 'soundDir' | 'recordingsDir' | 'conferenceProfile' | 'dialplanContext' | 'sipProfile'>;
  dialPolicy: DialPolicy;
  /** '' when the command does not dial out (the dial grammar then refuses every destination). */
  domain: string;
  store: Store;
  /** The user asking: legs the conference dials carry it (fsconfd_user). */
  placedBy: string;
}

export function commandContext({
  conf,
  config,
  dialPolicy,
  domain,
  store,
  placedBy,
}: CommandContextInput): CommandContext {
  return {
    conferenceName: conf.name,
    domain,
    soundDir: config.soundDir,
    recordingsDir: config.recordingsDir,
    dialPolicy,
    dialplanContext: config.dialplanContext,
    sipProfile: config.sipProfile,
    conferenceProfile: config.conferenceProfile,
    defaultCallerId: conferenceCallerId(conf),
    userExists: async (name) => (await store.getUser(name)) !== undefined,
    userByImId: async (imId) => (await store.findUserByImId(imId))?.userName,
    outcall: { conference: conf, placedBy },
  };
}
