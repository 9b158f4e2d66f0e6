// What a conference command is validated against (CommandContext): the daemon's settings, the
// conference's own caller ID, the SIP domain of the node it runs on, and the store's users.
import type { CommandContext } from '../domain/command-types.js';
import { findCommand } from '../domain/commands.js';
import { CALLER_ID_NAME_RE, type CallerId, type DialPolicy } from '../domain/dial-policy.js';
import type { Conference } from '../domain/conferences.js';
import { decodeUrlComponentOnce } from '../domain/url-decoding.js';
import type { Store } from '../store/store.js';

/** The settings conference commands are checked and run with. */
export interface CommandSettings {
  soundDir: string;
  recordingsDir: string;
  conferenceProfile: string;
  dialplanContext: string;
  sipProfile: string;
  dialPolicy: DialPolicy;
  /** How long FreeSWITCH may take to answer an api command (ESL_TIMEOUT_MS). */
  eslRequestTimeoutMs: number;
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
  settings: CommandSettings;
  /** '' when the command does not dial out (the dial grammar then refuses every destination). */
  domain: string;
  store: Store;
  /** The user asking: legs the conference dials carry it (fsconfd_user). */
  placedBy: string;
}

export function commandContext({
  conf,
  settings,
  domain,
  store,
  placedBy,
}: CommandContextInput): CommandContext {
  return {
    conferenceName: conf.name,
    domain,
    soundDir: settings.soundDir,
    recordingsDir: settings.recordingsDir,
    dialPolicy: settings.dialPolicy,
    dialplanContext: settings.dialplanContext,
    sipProfile: settings.sipProfile,
    conferenceProfile: settings.conferenceProfile,
    defaultCallerId: conferenceCallerId(conf),
    userExists: async (name) => (await store.getUser(name)) !== undefined,
    userByImId: async (imId) => (await store.findUserByImId(imId))?.userName,
    outcall: { conference: conf, placedBy },
  };
}
