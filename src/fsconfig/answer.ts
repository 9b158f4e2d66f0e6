// Decides what to answer one mod_xml_curl fetch with, from the store: a directory user, a conference
// extension or a user's number, a conference profile or its keypad, or "not found" (FreeSWITCH then
// uses its own files). Only what the daemon owns is answered; every other lookup falls through, so the
// stock configuration keeps working.
import { EXTENSION_RE } from '../domain/conferences.js';
import { USER_NAME_RE } from '../domain/users.js';
import type { Store } from '../store/store.js';
import { CALLER_CONTROLS_GROUP, callerControlsDocument } from './caller-controls.js';
import { conferenceConfigurationDocument } from './conference-profile.js';
import { dialplanDocument } from './dialplan.js';
import { directoryDocument } from './directory.js';
import type { FetchRequest } from './fetch-request.js';
import { FREESWITCH_DOMAIN, userDialplanDocument } from './user-dialplan.js';
import { notFoundDocument } from './xml-document.js';

export interface AnswerOptions {
  /** FS_DOMAIN; undefined: answer for the domain FreeSWITCH asks about (it asks for its own). */
  fsDomain: string | undefined;
  dialplanContext: string;
  conferenceProfile: string;
  recordingsDir: string;
}

export type FetchAnswer =
  | {
      found: true;
      kind: 'directory' | 'dialplan' | 'user-dialplan' | 'conference-profile' | 'caller-controls';
      subject: string;
      xml: string;
    }
  | { found: false; xml: string };

const notFound = (): FetchAnswer => ({ found: false, xml: notFoundDocument() });

async function directory(req: FetchRequest, store: Store, options: AnswerOptions): Promise<FetchAnswer> {
  const userName = req.fields.get('user');
  const domain = req.fields.get('domain') ?? req.keyValue;
  if (userName === undefined || domain === undefined || !USER_NAME_RE.test(userName)) return notFound();
  if (options.fsDomain !== undefined && domain.toLowerCase() !== options.fsDomain.toLowerCase())
    return notFound();
  const user = await store.getUser(userName);
  if (user === undefined) return notFound();
  const xml = directoryDocument(domain, [user], { userContext: options.dialplanContext });
  return { found: true, kind: 'directory', subject: user.userName, xml };
}

async function dialplan(req: FetchRequest, store: Store, options: AnswerOptions): Promise<FetchAnswer> {
  const context = req.fields.get('Hunt-Context') ?? req.fields.get('Caller-Context');
  const number = req.fields.get('Hunt-Destination-Number') ?? req.fields.get('Caller-Destination-Number');
  if (context !== options.dialplanContext || number === undefined) return notFound();
  // a conference's extension first: it may equal a user name
  const conf = EXTENSION_RE.test(number) ? await store.findConferenceByExtension(number) : undefined;
  if (conf !== undefined) {
    const xml = dialplanDocument(conf, { context, profile: options.conferenceProfile });
    return { found: true, kind: 'dialplan', subject: conf.name, xml };
  }
  const user = USER_NAME_RE.test(number) ? await store.getUser(number) : undefined;
  if (user === undefined) return notFound();
  const xml = userDialplanDocument(user, { context, domain: options.fsDomain ?? FREESWITCH_DOMAIN });
  return { found: true, kind: 'user-dialplan', subject: user.userName, xml };
}

async function conferenceProfile(
  req: FetchRequest,
  store: Store,
  options: AnswerOptions,
): Promise<FetchAnswer> {
  const name = req.fields.get('conference_name');
  const profile = req.fields.get('profile_name');
  if (req.keyValue !== 'conference.conf') return notFound();
  if (req.fields.get('Action') === 'request-controls') return callerControls(req, options);
  // Other lookups (presence at start-up) carry Action; only a join names conference and profile.
  if (req.fields.has('Action')) return notFound();
  if (name === undefined || profile !== options.conferenceProfile) return notFound();
  const conf = await store.getConference(name);
  if (conf === undefined) return notFound();
  const xml = conferenceConfigurationDocument(conf, profile, { recordingsDir: options.recordingsDir });
  return { found: true, kind: 'conference-profile', subject: conf.name, xml };
}

/** The keypad of a member of our profile whose conference asks for our group (the profile names it). */
function callerControls(req: FetchRequest, options: AnswerOptions): FetchAnswer {
  if (req.fields.get('Controls') !== CALLER_CONTROLS_GROUP) return notFound();
  if (req.fields.get('Conf-Profile') !== options.conferenceProfile) return notFound();
  return {
    found: true,
    kind: 'caller-controls',
    subject: CALLER_CONTROLS_GROUP,
    xml: callerControlsDocument(),
  };
}

export function answerFetch(req: FetchRequest, store: Store, options: AnswerOptions): Promise<FetchAnswer> {
  switch (req.section) {
    case 'directory':
      return directory(req, store, options);
    case 'dialplan':
      return dialplan(req, store, options);
    case 'configuration':
      return conferenceProfile(req, store, options);
    default:
      return Promise.resolve(notFound());
  }
}
