// JSON Schema components for the sipX resources' answers, so generated clients get models. Property
// order and the exact sets come from domain/sipx-elements.ts (sipX's own classes): each sipX schema
// lists exactly sipX's elements, all required, no others (additionalProperties: false), the way a strict
// sipX client reads them; the `Extended…` schemas are the `?extended=true` forms, sipX's elements then
// the daemon's extras. One schema serves XML and JSON: its `xml` names give the element names (XML has
// the root element, JSON the same name as its only key, see the `…Document` wrappers).
import type { AttendeeNotification } from '../../domain/conferences.js';
import { ATTENDEE_NOTIFICATIONS } from '../../domain/conferences.js';
import {
  EXTENDED_CDR_ELEMENTS,
  EXTENDED_MEMBER_ELEMENTS,
  EXTENDED_SETTING_ELEMENTS,
  SIPX_CDR_ELEMENTS,
  SIPX_CONFERENCE_DETAILS_ELEMENTS,
  SIPX_CONFERENCE_SUMMARY_ELEMENTS,
  SIPX_LOGIN_DETAILS_ELEMENTS,
  SIPX_MEMBER_ELEMENTS,
  SIPX_SETTING_ELEMENTS,
} from '../../domain/sipx-elements.js';
import type { CallProgress } from '../../state/call-progress.js';

type Json = Record<string, unknown>;

const CALL_STATES = [
  'ringing',
  'answered',
  'bridged',
  'held',
  'ending',
] as const satisfies readonly CallProgress[];
// Fails to compile when CallProgress gains a value the schema does not list.
const everyCallState: Exclude<CallProgress, (typeof CALL_STATES)[number]> extends never ? true : never = true;
const everyNotification: Exclude<AttendeeNotification, (typeof ATTENDEE_NOTIFICATIONS)[number]> extends never
  ? true
  : never = true;
void everyCallState;
void everyNotification;

export const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });

const text = (description: string): Json => ({ type: 'string', description });
const flag = (description: string): Json => ({ type: 'boolean', description });
const integer = (description: string, extra: Json = {}): Json => ({ type: 'integer', description, ...extra });
const EPOCH_MS = { format: 'int64', minimum: 0 };
/** Only in the `?extended=true` form. */
const extra = (schema: Json): Json => ({
  ...schema,
  description: `${String(schema['description'])} Only with \`?extended=true\`.`,
});

/** Every element any sipX resource or its extended form has, by resource. */
const CDR_FIELDS: Record<string, Json> = {
  from: text('User part of the caller (or its caller ID number).'),
  'from-aor': text('The caller\'s address of record, e.g. `"Alice" <sip:200@example.org>`.'),
  to: text('The dialled target (user, extension or number); empty until known.'),
  'to-aor': text("The target's address of record, e.g. `<sip:201@example.org>`."),
  direction: {
    type: 'string',
    enum: ['INCOMING', 'OUTGOING'],
    description: 'Relative to the user asked about.',
  },
  recipient: text('The party that answered; empty while nobody has.'),
  internal: flag('Both ends are local users.'),
  type: text('Read-only; `Unknown` for live calls, as sipX answered.'),
  'start-time': integer('When the call started, epoch milliseconds.', EPOCH_MS),
  duration: integer('Milliseconds since start-time.', { minimum: 0 }),
  uuid: extra(text("The call's id (what click-to-call answered with).")),
  state: extra({ type: 'string', enum: [...CALL_STATES], description: 'How far the call has got.' }),
};

const MEMBER_FIELDS: Record<string, Json> = {
  id: integer("FreeSWITCH's member id in this conference.", { minimum: 1 }),
  name: text('The store user, else the SIP user, else the caller ID.'),
  imId: text("The user's IM id; empty for members that are not known users."),
  uuid: text("The member's channel UUID."),
  volumeIn: integer('Input volume, -4..4.', { minimum: -4, maximum: 4 }),
  volumeOut: integer('Output volume, -4..4.', { minimum: -4, maximum: 4 }),
  energyLevel: integer('Talk-detection energy level, 0..1800.', { minimum: 0 }),
  canHear: flag('Not deaf.'),
  canSpeak: flag('Not muted.'),
  talking: extra(flag('Talking now.')),
  moderator: extra(flag('Joined as a moderator (owner, delegate or moderator PIN).')),
  joinTime: extra(integer('When the member joined, epoch milliseconds.', EPOCH_MS)),
};

const CONFERENCE_FIELDS: Record<string, Json> = {
  enabled: flag('Callers may join.'),
  name: text("The conference's name."),
  description: text('Free text.'),
  extension: text('The number callers dial.'),
  accessCode: text('Participant PIN; empty for none.'),
  locked: flag('Nobody else may join now.'),
};

const SETTING_FIELDS: Record<string, Json> = {
  ...CONFERENCE_FIELDS,
  extension: extra(CONFERENCE_FIELDS['extension']!),
  autorecorded: flag('Recorded automatically.'),
  moderatorCode: text('Moderator PIN; empty for none (sipX name; the same value as moderatorPin).'),
  quickstart: flag('Starts without waiting for a moderator.'),
  video: flag('Video conference (kept; audio-only FreeSWITCH profiles ignore it).'),
  sendActiveVideoOnly: flag("Send the active speaker's video only (kept; ignored without video)."),
  maxMembers: integer('At most this many members; 0 for no limit.', { minimum: 0 }),
  moh: text('Music on hold source, e.g. `FILES_SRC`, `NONE` or `local_stream://NAME`.'),
  moderatedRoom: flag('Moderated room (kept, as sipX did).'),
  publicRoom: flag('Public room (kept, as sipX did).'),
  muteOnEntry: extra(flag('Guests join muted.')),
  endOnOwnerExit: extra(flag('Ends when the owner leaves.')),
  ownerRequired: extra(flag('Guests wait until the owner (a moderator) joins.')),
  moderatorPin: extra(text('Moderator PIN (seed-003 name of moderatorCode).')),
  attendeeNotification: extra({
    type: 'string',
    enum: [...ATTENDEE_NOTIFICATIONS],
    description: 'Tone on join/leave, or none.',
  }),
  delegates: extra({
    type: 'array',
    description: 'User names that may control the conference like its owner.',
    xml: { wrapped: true },
    items: { type: 'string', xml: { name: 'delegate' } },
  }),
};

const LOGIN_FIELDS: Record<string, Json> = {
  userName: text('The user name.'),
  imId: text('The IM id; empty for none.'),
  ldapImAuth: flag('IM logins are checked against LDAP (always false here).'),
  sipPassword: text("The user's SIP password, for softphone provisioning."),
};

/** An object schema with exactly `fields`, in that order, all required, named `element` in XML. */
function exact(
  element: string,
  fields: readonly string[],
  table: Record<string, Json>,
  description: string,
): Json {
  const properties: Record<string, Json> = {};
  for (const field of fields) {
    const schema = table[field];
    if (schema === undefined) throw new Error(`no schema for ${element}/${field}`);
    properties[field] = schema;
  }
  return {
    type: 'object',
    description,
    xml: { name: element },
    properties,
    required: [...fields],
    additionalProperties: false,
  };
}

const members = (item: string): Json => ({
  type: 'array',
  description: 'Live members, in join order.',
  xml: { wrapped: true },
  items: ref(item),
});

/** `{ "<root>": <schema> }`: the JSON form of a sipX document (its XML root as the only key). */
const document = (root: string, inner: Json, description: string): Json => ({
  type: 'object',
  description,
  properties: { [root]: inner },
  required: [root],
  additionalProperties: false,
});

/** A list document: XML `<root><item/>...</root>`. */
const list = (root: string, item: string, description: string): Json => ({
  type: 'array',
  description,
  xml: { name: root, wrapped: true },
  items: ref(item),
});

const details = (member: string, description: string): Json =>
  exact(
    'conference',
    SIPX_CONFERENCE_DETAILS_ELEMENTS,
    { ...CONFERENCE_FIELDS, members: members(member) },
    description,
  );

/** The components, by name. */
export function sipxSchemas(): Record<string, Json> {
  const ALL_CDR = [...SIPX_CDR_ELEMENTS, ...EXTENDED_CDR_ELEMENTS];
  const ALL_MEMBER = [...SIPX_MEMBER_ELEMENTS, ...EXTENDED_MEMBER_ELEMENTS];
  const ALL_SETTING = [...SIPX_SETTING_ELEMENTS, ...EXTENDED_SETTING_ELEMENTS];
  return {
    Cdr: exact(
      'cdr',
      SIPX_CDR_ELEMENTS,
      CDR_FIELDS,
      "A live call (sipX UserActiveCdrsResource): exactly sipX's elements.",
    ),
    ExtendedCdr: exact(
      'cdr',
      ALL_CDR,
      CDR_FIELDS,
      "A live call with `?extended=true`: sipX's elements, then uuid and state.",
    ),
    CdrList: list('cdrs', 'Cdr', 'XML: `<cdrs><cdr>...</cdr></cdrs>`.'),
    ExtendedCdrList: list('cdrs', 'ExtendedCdr', 'XML with `?extended=true`.'),
    CdrsDocument: document('cdrs', { type: 'array', items: ref('Cdr') }, 'JSON: `{"cdrs": [...]}`.'),
    ExtendedCdrsDocument: document(
      'cdrs',
      { type: 'array', items: ref('ExtendedCdr') },
      'JSON with `?extended=true`.',
    ),

    Member: exact(
      'member',
      SIPX_MEMBER_ELEMENTS,
      MEMBER_FIELDS,
      'A live member (sipX UserConferenceDetailsResource.Member).',
    ),
    ExtendedMember: exact('member', ALL_MEMBER, MEMBER_FIELDS, 'A live member with `?extended=true`.'),
    ConferenceDetails: details('Member', 'A running conference (sipX UserConferenceDetailsResource).'),
    ExtendedConferenceDetails: details('ExtendedMember', 'A running conference with `?extended=true`.'),
    ConferenceDetailsDocument: document(
      'conference',
      ref('ConferenceDetails'),
      'JSON: `{"conference": {...}}`.',
    ),
    ExtendedConferenceDetailsDocument: document(
      'conference',
      ref('ExtendedConferenceDetails'),
      'JSON with `?extended=true`.',
    ),

    ConferenceSummary: exact(
      'conference',
      SIPX_CONFERENCE_SUMMARY_ELEMENTS,
      CONFERENCE_FIELDS,
      'A conference the user owns or is a delegate of (sipX UserConferenceResource.Representable).',
    ),
    ConferenceList: list(
      'conferences',
      'ConferenceSummary',
      'XML: `<conferences><conference>...</conference></conferences>`.',
    ),
    ConferencesDocument: document(
      'conferences',
      { type: 'array', items: ref('ConferenceSummary') },
      'JSON: `{"conferences": [...]}`.',
    ),

    Setting: exact(
      'setting',
      SIPX_SETTING_ELEMENTS,
      SETTING_FIELDS,
      "A conference's settings (sipX UserConferenceResource.RepresentableFull): exactly sipX's elements.",
    ),
    ExtendedSetting: exact(
      'setting',
      ALL_SETTING,
      SETTING_FIELDS,
      "A conference's settings with `?extended=true`: sipX's elements, then the extension and the seed-003 ones.",
    ),
    SettingDocument: document('setting', ref('Setting'), 'JSON: `{"setting": {...}}`.'),
    ExtendedSettingDocument: document('setting', ref('ExtendedSetting'), 'JSON with `?extended=true`.'),

    LoginDetails: exact(
      'login-details',
      SIPX_LOGIN_DETAILS_ELEMENTS,
      LOGIN_FIELDS,
      'sipX LoginDetailsResource.',
    ),
    LoginDetailsDocument: document('login-details', ref('LoginDetails'), 'JSON: `{"login-details": {...}}`.'),

    CommandResponse: {
      type: 'string',
      description:
        "FreeSWITCH's reply (e.g. `+OK mute 3`), or `Invitation sent`, `IN_PROGRESS`, `NO_RECORDING`, or the seconds recorded. XML: `<command-response>TEXT</command-response>`; `xml_list` answers FreeSWITCH's own XML document instead.",
      xml: { name: 'command-response' },
    },
    CommandResponseDocument: document(
      'command-response',
      ref('CommandResponse'),
      'JSON: `{"command-response": "TEXT"}`.',
    ),

    CallStarted: exact(
      'call',
      ['uuid', 'from', 'to'],
      {
        uuid: text("The new call's UUID (follow it in /my/activecdrs?extended=true)."),
        from: text('The user whose phone rings first.'),
        to: text('What is dialled once they answer.'),
      },
      'Click-to-call placed.',
    ),
    CallStartedDocument: document('call', ref('CallStarted'), 'JSON: `{"call": {...}}`.'),
  };
}

/**
 * A request body that is a sipX document, e.g. the `setting` sipX clients PUT: `{"<root>": {...}}` as
 * sipX answered it, or the bare object, in JSON; always `<root>...</root>` in XML. `input` names the
 * component of the fields.
 */
export function wrappedRequestSchemas(root: string, input: string): { json: Json; xml: Json } {
  return {
    json: {
      oneOf: [
        document(root, ref(input), `Wrapped, as sipX answered it: \`{"${root}": {...}}\`.`),
        ref(input),
      ],
    },
    xml: { ...ref(input), xml: { name: root } },
  };
}
