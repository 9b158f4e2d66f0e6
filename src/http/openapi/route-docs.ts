// What the route registrations cannot say about themselves: a summary per operation, the request
// body schema (the same zod schema the route validates with), its query parameters and its answers.
// Paths, methods, path parameters, who may call (public / any user / admin) come from the registered
// routes themselves (generate.ts); a registered route without an entry here, or an entry without a
// route, stops the document from being built, so the two cannot drift apart.
import type { z } from 'zod';
import { LIVE_CONTROL_ROUTE_DOCS } from './route-docs-live-control.js';
import {
  createConferenceSchema,
  createUserSchema,
  settingSchema,
  updateConferenceSchema,
  updateUserSchema,
} from '../schemas.js';

/** How a route answers: sipX resources are XML by default and JSON on request. */
export type Representation =
  | 'sipx'
  | 'json'
  | 'text'
  | 'none'
  | 'html'
  | 'css'
  | 'javascript'
  | 'prometheus'
  | 'websocket'
  | 'audio'
  | 'svg';

/** The components (sipx-schemas.ts) of a sipX answer: XML (the document) and JSON (root-wrapped). */
export interface ResponseForms {
  xml: string;
  json: string;
}

export interface RouteDoc {
  summary: string;
  description?: string;
  tag: string;
  representation: Representation;
  /**
   * Request body: a component name and the zod schema the route validates it with; `root`: a sipX
   * document accepted as `{"<root>": {...}}` or bare in JSON, and as `<root>...</root>` in XML.
   */
  body?: { name: string; schema: z.ZodType; xml?: boolean; root?: string };
  /** The 200 answer's schemas: sipX's form, and the `?extended=true` form where there is one. */
  response?: { sipx: ResponseForms; extended?: ResponseForms };
  query?: ReadonlyArray<{ name: string; description: string }>;
  /** Answers beyond 200 and the ones every authenticated route has (401, 429). */
  responses?: Readonly<Record<number, string>>;
}

const ERRORS_CONFERENCE = { 403: 'Not the owner, a delegate or an admin.', 404: 'Unknown conference.' };
const LIVE = { 503: 'The live state of a FreeSWITCH node is being rebuilt; try again (Retry-After).' };

export const TAGS = {
  ops: 'Operations',
  account: 'My account',
  conferences: 'My conferences',
  commands: 'Conference commands',
  calls: 'Calls',
  admin: 'Admin',
  live: 'Live events',
} as const;

export const TAG_DESCRIPTIONS: Readonly<Record<string, string>> = {
  [TAGS.ops]: 'Health, metrics and this document.',
  [TAGS.account]: "sipX's System services: login details, server time, keepalive.",
  [TAGS.conferences]: "sipX's conference resources: the user's conferences, their settings and live details.",
  [TAGS.commands]: "FreeSWITCH conference commands, sipX's `/my/conference/{confName}/{command}&args`.",
  [TAGS.calls]: 'Click-to-call and live calls (`cdrs`).',
  [TAGS.admin]: "The daemon's own users and conferences (JSON, admins only).",
  [TAGS.live]: 'The WebSocket event stream and the wallboard.',
};

const forms = (xml: string, json: string): ResponseForms => ({ xml, json });
const CDRS = {
  sipx: forms('CdrList', 'CdrsDocument'),
  extended: forms('ExtendedCdrList', 'ExtendedCdrsDocument'),
};
const SETTING = {
  sipx: forms('Setting', 'SettingDocument'),
  extended: forms('ExtendedSetting', 'ExtendedSettingDocument'),
};
const COMMAND_RESPONSE = { sipx: forms('CommandResponse', 'CommandResponseDocument') };

const command: RouteDoc = {
  summary: 'Run a conference command',
  description:
    "`{command}` is the command name followed by its arguments, each after `&` (e.g. `mute&3`, `volume_in&all&2`). Every argument is checked against the command's grammar before anything reaches FreeSWITCH; the answer wraps FreeSWITCH's reply as `<command-response>` (or JSON `command-response`). The commands are listed below and in `x-commands`.",
  tag: TAGS.commands,
  representation: 'sipx',
  response: COMMAND_RESPONSE,
  responses: {
    ...ERRORS_CONFERENCE,
    400: 'No or unknown command, or a bad argument; also FreeSWITCH refusals.',
    406: 'The conference is not running.',
    ...LIVE,
    504: 'FreeSWITCH did not answer in time.',
  },
};
const noCommand: RouteDoc = {
  summary: 'A conference command without a command',
  description: 'Answers 400 (no command) after the same 404/403 checks as a command.',
  tag: TAGS.commands,
  representation: 'sipx',
  responses: { ...ERRORS_CONFERENCE, 400: 'No command given.' },
};
const clickToCall: RouteDoc = {
  summary: 'Click-to-call',
  description:
    "Rings the user's own phone(s) first; when answered, dials `{to}` (an extension, a phone number or a SIP URI) through the user's dialplan context. Answers at once with the new call's UUID; the call's progress shows in /my/activecdrs and the event stream.",
  tag: TAGS.calls,
  representation: 'sipx',
  response: { sipx: forms('CallStarted', 'CallStartedDocument') },
  responses: { 400: 'Not a dialable target.', 429: 'Too many calls per minute (Retry-After).', ...LIVE },
};
const myConferences: RouteDoc = {
  summary: 'Conferences the user owns or is a delegate of',
  tag: TAGS.conferences,
  representation: 'sipx',
  response: { sipx: forms('ConferenceList', 'ConferencesDocument') },
};

export const ROUTE_DOCS: Readonly<Record<string, RouteDoc>> = {
  'GET /health': {
    summary: "Process and FreeSWITCH connections' health",
    description: "200 when every node is connected and in sync, else 503; each node's state in the body.",
    tag: TAGS.ops,
    representation: 'json',
    responses: { 503: 'A FreeSWITCH node is not connected or not in sync.' },
  },
  'GET /openapi.json': {
    summary: 'This document',
    tag: TAGS.ops,
    representation: 'json',
  },
  'GET /metrics': {
    summary: 'Prometheus metrics',
    description:
      'Text exposition format: per-node ESL state, reconnects, events and events per second, decode errors, sync, live calls and members; HTTP requests and latency by route; refused logins; event stream clients.',
    tag: TAGS.ops,
    representation: 'prometheus',
  },
  'GET /my/logindetails': {
    summary: "The user's login details (with the SIP password, for softphone provisioning)",
    tag: TAGS.account,
    representation: 'sipx',
    response: { sipx: forms('LoginDetails', 'LoginDetailsDocument') },
  },
  'GET /my/time': { summary: 'Server time', tag: TAGS.account, representation: 'text' },
  'GET /my/keepalive': { summary: 'Keepalive (200, empty)', tag: TAGS.account, representation: 'none' },
  'GET /my/conferences': myConferences,
  'GET /my/conferences/': myConferences,
  'GET /my/conferences/:name': {
    summary: "A conference's settings (`setting`)",
    tag: TAGS.conferences,
    representation: 'sipx',
    response: SETTING,
    responses: ERRORS_CONFERENCE,
  },
  'PUT /my/conferences/:name': {
    summary: "Change a conference's settings",
    description:
      'Applied to the next caller and, where FreeSWITCH allows it, to the running conference. A PUT is partial: fields not sent (or sent as null) keep their values. Every field sipX\'s own setting carried is accepted (`moderatorCode` is the moderator PIN; `video`, `sendActiveVideoOnly`, `moderatedRoom`, `publicRoom` are kept even where FreeSWITCH ignores them), and so is the extended form, so a GET can be PUT back unchanged; `name` and `extension` may only repeat their values. JSON as sipX sent it, `{"setting": {...}}`, or the bare object; XML `<setting>...</setting>`. Answers the saved setting.',
    tag: TAGS.conferences,
    representation: 'sipx',
    body: { name: 'SettingInput', schema: settingSchema, xml: true, root: 'setting' },
    response: SETTING,
    responses: {
      ...ERRORS_CONFERENCE,
      400: 'Invalid or unknown field (named in the answer), or moderatorCode and moderatorPin that disagree.',
    },
  },
  'GET /my/conferencedetails/:confName': {
    summary: 'A running conference and its members, from live state',
    tag: TAGS.conferences,
    representation: 'sipx',
    response: {
      sipx: forms('ConferenceDetails', 'ConferenceDetailsDocument'),
      extended: forms('ExtendedConferenceDetails', 'ExtendedConferenceDetailsDocument'),
    },
    responses: { ...ERRORS_CONFERENCE, 406: 'Known but not active (no members).', ...LIVE },
  },
  'GET /my/conference/:confName': noCommand,
  'PUT /my/conference/:confName': noCommand,
  'GET /my/conference/:confName/': noCommand,
  'PUT /my/conference/:confName/': noCommand,
  'GET /my/conference/:confName/:command': command,
  'PUT /my/conference/:confName/:command': command,
  'PUT /my/call/:to': clickToCall,
  'GET /my/call/:to': clickToCall,
  'PUT /call/:to': clickToCall,
  'GET /call/:to': clickToCall,
  'GET /my/activecdrs': {
    summary: "The user's live calls (as caller or callee)",
    tag: TAGS.calls,
    representation: 'sipx',
    response: CDRS,
    responses: LIVE,
  },
  'GET /activecdrs/:user': {
    summary: "Any user's live calls",
    tag: TAGS.calls,
    representation: 'sipx',
    response: CDRS,
    responses: { 400: 'Not a user name.', ...LIVE },
  },
  'GET /api/activecalls': {
    summary: 'Every live call on every node, with its legs',
    tag: TAGS.admin,
    representation: 'json',
    responses: LIVE,
  },
  'GET /api/users': { summary: 'List users', tag: TAGS.admin, representation: 'json' },
  'POST /api/users': {
    summary: 'Create a user',
    tag: TAGS.admin,
    representation: 'json',
    body: { name: 'CreateUser', schema: createUserSchema },
    responses: { 201: 'Created.', 400: 'Invalid field.', 409: 'User name or IM id taken.' },
  },
  'GET /api/users/:userName': {
    summary: 'A user',
    tag: TAGS.admin,
    representation: 'json',
    responses: { 404: 'Unknown user.' },
  },
  'PUT /api/users/:userName': {
    summary: 'Change a user',
    tag: TAGS.admin,
    representation: 'json',
    body: { name: 'UpdateUser', schema: updateUserSchema },
    responses: { 400: 'Invalid field.', 404: 'Unknown user.', 409: 'IM id taken, or the last admin.' },
  },
  'DELETE /api/users/:userName': {
    summary: 'Delete a user',
    tag: TAGS.admin,
    representation: 'none',
    responses: { 404: 'Unknown user.', 409: 'The user owns conferences, or is the last admin.' },
  },
  'GET /api/conferences': { summary: 'List conferences', tag: TAGS.admin, representation: 'json' },
  'POST /api/conferences': {
    summary: 'Create a conference',
    tag: TAGS.admin,
    representation: 'json',
    body: { name: 'CreateConference', schema: createConferenceSchema },
    responses: {
      201: 'Created.',
      400: 'Invalid field or unknown owner/delegate.',
      409: 'Name or extension taken, or FreeSWITCH still runs a conference by that name.',
    },
  },
  'GET /api/conferences/:name': {
    summary: 'A conference',
    tag: TAGS.admin,
    representation: 'json',
    responses: { 404: 'Unknown conference.' },
  },
  'PUT /api/conferences/:name': {
    summary: 'Change a conference',
    tag: TAGS.admin,
    representation: 'json',
    body: { name: 'UpdateConference', schema: updateConferenceSchema },
    responses: { 400: 'Invalid field.', 404: 'Unknown conference.', 409: 'Extension taken.' },
  },
  'DELETE /api/conferences/:name': {
    summary: 'Delete a conference',
    description:
      'A running conference is ended first: its number is refused to new callers, every member is hung up, and the answer comes once FreeSWITCH reported it gone.',
    tag: TAGS.admin,
    representation: 'none',
    responses: {
      404: 'Unknown conference.',
      409: 'Running, and FreeSWITCH could not end it; nothing was deleted.',
      503: 'Whether it runs cannot be known while FreeSWITCH state is being rebuilt.',
    },
  },
  'GET /events': {
    summary: 'Live event stream (WebSocket)',
    description:
      'Upgrade to a WebSocket with the same credentials as any request. The server sends JSON text messages: first a `snapshot` (conferences with members, calls, unavailable nodes, heartbeat interval), then deltas: `conference.started|ended|updated|locked|unlocked|recording-started|recording-stopped|floor`, `member.joined|left|muted|unmuted|deafened|undeafened|talking-started|talking-stopped|updated`, `call.created|ringing|answered|bridged|held|resumed|ending|updated|ended`, `node.unavailable|available`, `heartbeat`. A user sees their conferences (owner or delegate) and their own calls, an admin everything. Close codes: 4000 too slow (unread data over the bound), 4001 credentials changed, 1001 server stopping, 1013 too many streams. Every message is a `StreamMessage` (components; src/ws/protocol.ts).',
    tag: TAGS.live,
    representation: 'websocket',
    query: [
      { name: 'conference', description: 'Only this conference (and no calls); 404/403 as its details.' },
    ],
    responses: {
      ...ERRORS_CONFERENCE,
      403: "Not the owner, a delegate or an admin of `conference`; or a page of another site (the Origin is not this host's).",
      426: 'Not a WebSocket upgrade request.',
      429: 'Too many streams for this user.',
      503: 'Too many streams open.',
    },
  },
  'GET /wallboard': {
    summary: 'Live wallboard page (conferences, members, who is talking, calls)',
    tag: TAGS.live,
    representation: 'html',
  },
  'GET /wallboard/wallboard.js': {
    summary: "The wallboard's script",
    tag: TAGS.live,
    representation: 'javascript',
  },
  'GET /wallboard/wallboard.css': { summary: "The wallboard's style", tag: TAGS.live, representation: 'css' },
  // Running conferences, call control, recordings (issue 15)
  ...LIVE_CONTROL_ROUTE_DOCS,
};
