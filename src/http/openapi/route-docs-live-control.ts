// Route notes (see route-docs.ts, which spreads these into ROUTE_DOCS and checks them against its
// RouteDoc type) for running conferences, control of live calls and recordings: kept in their own
// block so the sipX resources' notes and these can change independently.

const LIVE = { 503: 'The live state of a FreeSWITCH node is being rebuilt; try again (Retry-After).' };
const CALL_ERRORS = {
  400: 'Not a call uuid.',
  403: 'Not a party to this call (admins may act on any).',
  404: 'No such live call, or it ended meanwhile.',
  409: "The call's state does not allow it (e.g. hold before it is answered, resume when not on hold).",
  ...LIVE,
};
const callControl = (summary: string, description: string) => ({
  summary,
  description: `${description} \`{uuid}\` is a call's uuid as /my/activecdrs shows it. Answers \`call-control\` (\`uuid\`, \`action\`, \`state\`: the call's state once FreeSWITCH's events show the change, or \`ended\`).`,
  tag: 'Calls',
  representation: 'sipx' as const,
  responses: CALL_ERRORS,
});

const RECORDING_ERRORS = {
  400: 'Not a recording file name.',
  403: 'Not the owner, a delegate or an admin.',
  404: 'Unknown conference or recording, or RECORDINGS_DIR cannot be read where the daemon runs (the reason says which).',
};

const ACTIVE_FIELDS =
  'Each: `name`, `node` (the FreeSWITCH node hosting it), `member-count`, `talking-count`, `locked`, `recording`, `start-time` (epoch ms), from the tracked state.';

export const LIVE_CONTROL_ROUTE_DOCS = {
  'GET /api/activeconferences': {
    summary: 'Every running conference on every node',
    description: `${ACTIVE_FIELDS} \`unavailableNodes\` names the nodes not in sync (their conferences are missing from the list); 503 when none is.`,
    tag: 'Admin',
    representation: 'json',
    responses: LIVE,
  },
  'GET /my/activeconferences': {
    summary: "The user's running conferences (owned or delegated)",
    description: `\`active-conferences/conference\`. ${ACTIVE_FIELDS}`,
    tag: 'My conferences',
    representation: 'sipx',
    responses: LIVE,
  },
  'PUT /my/activecdrs/:uuid/hangup': callControl(
    'Hang up a live call',
    'Ends the whole call (`uuid_kill` of the leg that started it).',
  ),
  'PUT /my/activecdrs/:uuid/hold': callControl(
    'Put a live call on hold',
    "Puts your side of a connected call on hold; the other party hears the hold music. The call's state becomes `held` (`call.held` on the event stream).",
  ),
  'PUT /my/activecdrs/:uuid/resume': callControl(
    'Take a call off hold',
    'Takes your side off hold (`call.resumed`). 409 when the call is not on hold, or only the other party put it on hold.',
  ),
  'PUT /my/activecdrs/:uuid/transfer/:to': {
    ...callControl(
      'Blind transfer',
      "Sends the other party of a connected (or held) call to `{to}` through your dialplan context, and you drop out. `{to}` is click-to-call's grammar (an extension, a phone number or a SIP URI) under the same dial policy; transfers count against CALLS_PER_MINUTE.",
    ),
    responses: {
      ...CALL_ERRORS,
      400: 'Not a call uuid, or not a dialable target.',
      403: 'Not a party to this call, or a target the dial policy refuses.',
      429: 'Too many transfers per minute (Retry-After).',
    },
  },
  'GET /my/conferences/:name/recordings': {
    summary: "A conference's recordings",
    description:
      '`recordings/recording`: `name`, `source` (`record`: started through the API; `autorecord`; `file`: another file name FreeSWITCH reported recording to), `start-time` (epoch ms), `duration` (ms, so far while it runs; absent when the format does not say), `size` (bytes), `recording` (FreeSWITCH still writes it). Read from RECORDINGS_DIR: the daemon must be able to read it (the same host as FreeSWITCH, or a shared volume).',
    tag: 'My conferences',
    representation: 'sipx',
    responses: {
      ...RECORDING_ERRORS,
      404: 'Unknown conference, or RECORDINGS_DIR cannot be read where the daemon runs (the reason says which).',
    },
  },
  'GET /my/conferences/:name/recordings/:file': {
    summary: 'Download a recording',
    description:
      'Streamed; one `Range` (`bytes=a-b`, `bytes=a-`, `bytes=-n`) answers 206 with `Content-Range`. `{file}` must be a name the recordings list shows.',
    tag: 'My conferences',
    representation: 'audio',
    responses: {
      ...RECORDING_ERRORS,
      416: 'The range starts past the end of the file.',
    },
  },
  'DELETE /my/conferences/:name/recordings/:file': {
    summary: 'Delete a recording',
    description: 'Owner or admin only.',
    tag: 'My conferences',
    representation: 'none',
    responses: {
      ...RECORDING_ERRORS,
      403: 'Not the owner or an admin.',
      409: 'FreeSWITCH is still recording to it (stop the recording first), or the daemon may not delete it.',
    },
  },
  'GET /wallboard/names': {
    summary: 'Names beside the extensions and numbers on the wallboard',
    description:
      '`{"names": {"200": "Alice Archer"}}`: a user\'s first and last name (else their caller ID name, else the caller ID name the call or member carries), for the parties the viewer can see: an admin everyone, a user the parties of their calls and the members of their conferences.',
    tag: 'Live events',
    representation: 'json',
  },
  'GET /wallboard/favicon.svg': {
    summary: "The wallboard's icon",
    tag: 'Live events',
    representation: 'svg',
  },
} as const;
