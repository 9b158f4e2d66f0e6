// The `dialplan` answer for one conference extension, shaped like vanilla's `nb_conferences` extension
// (conf/vanilla/dialplan/default.xml: answer, then `conference <name>@<profile>`), with two conditions
// after the dialled number: is the caller the owner, is the caller a delegate.
//
// Who is calling: `${sip_auth_username}` (sofia sets it only on a digest-authenticated INVITE) or
// `${fsconfd_user}` (the daemon sets it on the legs it places for a user, e.g. click-to-call, which
// FreeSWITCH originates outbound and never authenticates). Either one naming a host makes the caller a
// host (mod_dialplan_xml's `regex="any"`; an unset variable expands to "" and matches no user name).
//
// Hosts join as moderators, unmuted, without the PIN prompt (`conference_enforce_security=false` also
// lets them into their locked room); the owner carries `endconf` when the conference ends with its
// owner. Guests always meet the PIN and the lock: `conference_enforce_security=true`, because
// mod_conference checks them by default only on inbound legs. Guests get the participant PIN in the
// application data (`name@profile+PIN`, preferred over the profile's), the moderator PIN as
// `conference_moderator_pin`, and explicit member flags (`+flags{mute}` or `+flags{}`: flags given
// with the data replace the profile's). A guest who keys the moderator PIN becomes a moderator but
// keeps the guests' flags (mod_conference fixes them before the prompt); moderator-unmute.ts unmutes it.
// The dialplan is fetched for every call, so every change applies to the next caller at once.
import type { Conference } from '../domain/conferences.js';
import { guestFlags, hostFlags, PLACED_BY_VARIABLE } from '../domain/member-flags.js';
import { exactly, freeswitchDocument, safeValue, type XmlNode } from './xml-document.js';

/** The channel variables that say which daemon user is calling (see above). */
export const CALLER_IDENTITY_FIELDS = ['${sip_auth_username}', `\${${PLACED_BY_VARIABLE}}`] as const;

export interface DialplanOptions {
  context: string;
  /** The conference profile (CONFERENCE_PROFILE); conference.conf answers carry its settings. */
  profile: string;
}

/** `name@profile[+pin]+flags{a|b}`, the conference application's argument. */
export function conferenceData(name: string, profile: string, pin: string, flags: readonly string[]): string {
  return `${name}@${profile}${pin !== '' ? `+${pin}` : ''}+flags{${flags.join('|')}}`;
}

type Action = { '@_application': string; '@_data'?: string };
export const app = (application: string, data?: string): Action =>
  data === undefined ? { '@_application': application } : { '@_application': application, '@_data': data };

/** A condition true when any caller identity field names one of `users`. */
function callerIs(users: readonly string[], rest: XmlNode): XmlNode {
  const expression = exactly(users);
  return {
    '@_regex': 'any',
    ...rest,
    regex: CALLER_IDENTITY_FIELDS.map((field) => ({ '@_field': field, '@_expression': expression })),
  };
}

function enabledExtension(conf: Conference, options: DialplanOptions): XmlNode {
  const name = safeValue('name', conf.name);
  const profile = safeValue('profile', options.profile);
  const pin = safeValue('accessCode', conf.accessCode);
  const owner = safeValue('owner', conf.owner);
  const delegates = conf.delegates.map((d) => safeValue('delegates', d));
  const join = (flags: readonly string[], withPin: boolean) =>
    app('conference', conferenceData(name, profile, withPin ? pin : '', flags));
  const host = (isOwner: boolean) => [
    app('set', 'conference_enforce_security=false'),
    app('answer'),
    join(hostFlags(conf, isOwner), false),
  ];
  // FreeSWITCH prompts for a PIN only with a participant PIN; a moderator PIN alone would lock guests out
  const mpin = conf.accessCode !== '' ? safeValue('moderatorPin', conf.moderatorPin) : '';
  const guests = [
    app('set', 'conference_enforce_security=true'),
    ...(mpin !== '' ? [app('set', `conference_moderator_pin=${mpin}`)] : []),
    app('answer'),
    join(guestFlags(conf), true),
  ];
  // The owner's own branch comes first so it can carry endconf; delegates are hosts without it.
  const conditions: XmlNode[] = [
    { '@_field': 'destination_number', '@_expression': exactly([conf.extension]) },
    callerIs([owner], { '@_break': 'on-true', action: host(true) }),
    delegates.length > 0
      ? callerIs(delegates, { action: host(false), 'anti-action': guests })
      : callerIs([owner], { 'anti-action': guests }),
  ];
  return { '@_name': `sipx-conference-${name}`, condition: conditions };
}

/** A disabled conference's number is refused here rather than left to the static dialplan. */
function disabledExtension(conf: Conference): XmlNode {
  return {
    '@_name': `sipx-conference-${safeValue('name', conf.name)}-disabled`,
    condition: {
      '@_field': 'destination_number',
      '@_expression': exactly([conf.extension]),
      action: app('hangup', 'CALL_REJECTED'),
    },
  };
}

/** A dialplan answer holding one extension of `context`. */
export function contextDocument(context: string, extension: XmlNode, description: string): string {
  return freeswitchDocument(
    'dialplan',
    { context: { '@_name': safeValue('context', context), extension } },
    description,
  );
}

/** The answer for a call to `conf.extension` in `options.context`. */
export function dialplanDocument(conf: Conference, options: DialplanOptions): string {
  return contextDocument(
    options.context,
    conf.enabled ? enabledExtension(conf, options) : disabledExtension(conf),
    'sipXconfig conferences',
  );
}
