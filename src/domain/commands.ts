// The conference command table: the single source for which commands exist, their argument grammar,
// their extra permission, how each maps to a FreeSWITCH argv (`conference <conf> <cmd> <args...>`) and
// how it runs (api or bgapi, whether it starts a conference, which other conference the caller must
// control, what live state to wait for, how it is answered), modelled on conference_api_sub_commands[]
// in FreeSWITCH's conference_api.c, where the row is the dispatch. Parsing, running (control/), docs,
// OpenAPI and tests all read this table: a new command is one row here plus its test.
import type { Grammar } from './command-args.js';
import {
  conferenceName,
  dtmfDigits,
  energyLevel,
  keyword,
  memberId,
  memberOrAsync,
  memberTarget,
  MAX_TRANSFER_MEMBERS,
  pinDigits,
  PROFILE_NAME_RE,
  relation,
  sayText,
  stopMode,
  volumeLevel,
} from './command-args.js';
import type {
  Answer,
  CommandContext,
  CommandEntry,
  CommandName,
  CommandOf,
  LevelCommandName,
  MemberCommandName,
} from './command-types.js';
import { defineCommand, opt, req, rest } from './command-types.js';
import type { CallerId } from './dial-policy.js';
import {
  IM_ID_RE,
  isSafeHost,
  resolveCallerId,
  resolveDialDestination,
  USER_NAME_RE,
  userDialString,
} from './dial-policy.js';
import { outcallDialString } from './member-flags.js';
import { resolveInviteTarget } from './invite-target.js';
import { checkDaemonRecording, namedRecordingPath, recordingFileName, recordingPath } from './recording.js';
import { resolveSound } from './sounds.js';
import type { Check } from './check.js';
import { fail, ok } from './check.js';

/**
 * How long `dial` may take: FreeSWITCH waits for the outcome, up to its 60 s originate timeout.
 */
export const DIAL_WAIT_MS = 65_000;

/** Any decoded text up to `max`; the command's build step applies the real grammar (it needs ctx). */
const text = (label: string, max: number): Grammar<string> => ({
  label,
  parse: (raw) =>
    raw.length > 0 && raw.length <= max ? ok(raw) : fail(`expected ${label}, 1-${max} characters`),
});

const imId: Grammar<string> = {
  label: '<im_id>',
  parse: (raw) => (IM_ID_RE.test(raw) ? ok(raw) : fail('not an IM id')),
};

/**
 * `record`'s argument: `start` (what sipX's recording service called a bare `record`), `stop`,
 * `status`, `duration` (matched case-insensitively), or else a file name (recording.ts's grammar).
 */
const recordArgument: Grammar<'start' | 'stop' | 'status' | 'duration' | { file: string }> = {
  label: 'start|stop|status|duration|<file_name>',
  parse(raw) {
    const action = keyword(['start', 'stop', 'status', 'duration']).parse(raw);
    if (action.ok) return action;
    const name = recordingFileName(raw);
    return name.ok ? ok({ file: raw }) : name;
  },
};

const memberCommand = (name: MemberCommandName, description: string): CommandEntry =>
  defineCommand({
    name,
    description,
    args: [req('member', memberTarget)],
    build: ([target]) => ok({ name, target }),
    toEsl: (cmd) => [cmd.name, String(cmd.target), ...(cmd.quiet ? ['quiet'] : [])],
  });

const levelCommand = (
  name: LevelCommandName,
  grammar: typeof energyLevel,
  description: string,
): CommandEntry =>
  defineCommand({
    name,
    description,
    args: [req('member', memberTarget), opt('value', grammar)],
    build: ([target, value]) => ok({ name, target, value }),
    toEsl: (cmd) => [cmd.name, String(cmd.target), ...(cmd.value === undefined ? [] : [String(cmd.value)])],
  });

const bare = (
  name: 'lock' | 'unlock' | 'nopin' | 'list' | 'xml_list',
  description: string,
  answer?: Answer,
) =>
  defineCommand({
    name,
    description,
    args: [],
    answer,
    build: () => ok({ name }),
    toEsl: (cmd) => [cmd.name],
  });

const callerIdWords = (id: CallerId): string[] =>
  id.number === undefined ? [] : id.name === undefined ? [id.number] : [id.number, id.name];

/**
 * FreeSWITCH finds the text of `say`/`saymember` with strstr(cmdline, "<command>"), so a conference
 * whose name contains the command word would have its text cut in the wrong place.
 */
export function textCommandUsable(command: 'say' | 'saymember', conference: string): Check<true> {
  return conference.includes(command)
    ? fail(`FreeSWITCH cannot run ${command} in a conference whose name contains "${command}"`)
    : ok(true);
}

function invitation(
  name: 'invite' | 'inviteim',
  target: Check<{ user: string | undefined; dialString: string }>,
  ctx: CommandContext,
): Check<CommandOf<'invite' | 'inviteim'>> {
  if (!target.ok) return target;
  const callerId = resolveCallerId({}, ctx.defaultCallerId);
  if (!callerId.ok) return callerId;
  const { user, dialString } = target.value;
  return ok({ name, user, dialString: legDialString(ctx, user, dialString), callerId: callerId.value });
}

/** inviteim: the user with this IM id, dialled as user/<name>@<domain>. */
async function imUser(
  user: string | undefined,
  ctx: CommandContext,
): Promise<Check<{ user: string; dialString: string }>> {
  if (user === undefined || !USER_NAME_RE.test(user) || !(await ctx.userExists(user)))
    return fail('unknown user');
  if (!isSafeHost(ctx.domain)) return fail('the SIP domain is not configured safely');
  return ok({ user, dialString: userDialString(user, ctx.domain) });
}

/** A leg the conference dials: with the member's flags and who placed it, when the route gave them. */
const legDialString = (ctx: CommandContext, user: string | undefined, dialString: string): string =>
  ctx.outcall === undefined ? dialString : outcallDialString(ctx.outcall, user, dialString);

export const CONFERENCE_COMMANDS: readonly CommandEntry[] = [
  memberCommand('mute', 'Mute a member (it can no longer speak).'),
  memberCommand('unmute', 'Unmute a member.'),
  memberCommand('deaf', 'Make a member deaf (it can no longer hear).'),
  memberCommand('undeaf', 'Let a member hear again.'),
  memberCommand('kick', 'Kick a member out of the conference.'),
  memberCommand('hup', 'Hang up a member.'),
  memberCommand('tmute', 'Toggle mute of a member.'),
  levelCommand('energy', energyLevel, 'Show or set the energy (talk detection) level of a member.'),
  levelCommand('volume_in', volumeLevel, 'Show or set the input volume of a member.'),
  levelCommand('volume_out', volumeLevel, 'Show or set the output volume of a member.'),
  defineCommand({
    name: 'dtmf',
    description: 'Send DTMF digits to a member.',
    args: [req('member', memberTarget), req('digits', dtmfDigits)],
    build: ([target, digits]) => ok({ name: 'dtmf', target, digits }),
    toEsl: (cmd) => ['dtmf', String(cmd.target), cmd.digits],
  }),
  bare('lock', 'Lock the conference: nobody else can join.'),
  bare('unlock', 'Unlock the conference.'),
  bare('nopin', 'Remove the conference PIN.'),
  defineCommand({
    name: 'pin',
    description: 'Set the conference PIN.',
    args: [req('pin', pinDigits)],
    build: ([pin]) => ok({ name: 'pin', pin }),
    toEsl: (cmd) => ['pin', cmd.pin],
  }),
  defineCommand({
    name: 'play',
    description:
      'Play a sound from the sound directory, or a tone_stream:// / silence_stream://, to all or one member.',
    args: [req('sound', text('<sound>', 256)), opt('to', memberOrAsync)],
    build: ([requested, to], ctx) => {
      const sound = resolveSound(requested, ctx.soundDir);
      return sound.ok ? ok({ name: 'play', sound: sound.value, to }) : sound;
    },
    toEsl: (cmd) => ['play', cmd.sound, ...(cmd.to === undefined ? [] : [String(cmd.to)])],
  }),
  defineCommand({
    name: 'stop',
    description: 'Stop playing sounds (last: the one playing now).',
    args: [req('mode', stopMode), opt('member', memberId)],
    build: ([mode, member]) => ok({ name: 'stop', mode: mode === 'last' ? 'current' : mode, member }),
    toEsl: (cmd) => ['stop', cmd.mode, ...(cmd.member === undefined ? [] : [String(cmd.member)])],
  }),
  defineCommand({
    name: 'say',
    description: 'Speak a text to the conference (text to speech).',
    args: [req('text', sayText)],
    build: ([spoken], ctx) => {
      const usable = textCommandUsable('say', ctx.conferenceName);
      return usable.ok ? ok({ name: 'say', text: spoken }) : usable;
    },
    toEsl: (cmd) => ['say', cmd.text],
  }),
  defineCommand({
    name: 'saymember',
    description: 'Speak a text to one member.',
    args: [req('member', memberId), req('text', sayText)],
    build: ([member, spoken], ctx) => {
      const usable = textCommandUsable('saymember', ctx.conferenceName);
      return usable.ok ? ok({ name: 'saymember', member, text: spoken }) : usable;
    },
    toEsl: (cmd) => ['saymember', String(cmd.member), cmd.text],
  }),
  defineCommand({
    name: 'relate',
    description: 'Set or clear whether one member can speak to / hear another.',
    args: [req('member', memberId), req('other', memberId), req('relation', relation)],
    build: ([member, other, rel]) =>
      member === other
        ? fail('a member cannot relate to itself')
        : ok({ name: 'relate', member, other, relation: rel }),
    toEsl: (cmd) => ['relate', String(cmd.member), String(cmd.other), cmd.relation],
  }),
  defineCommand({
    name: 'transfer',
    description: 'Move members to another conference (the caller must own it too).',
    args: [req('conference', conferenceName), rest('member', memberId, 1, MAX_TRANSFER_MEMBERS)],
    permission: 'owner-of-both-conferences',
    alsoControls: (cmd) => cmd.targetConference,
    build: ([target, members], ctx) => {
      if (target.toLowerCase() === ctx.conferenceName.toLowerCase()) return fail('target is this conference');
      if (new Set(members).size !== members.length) return fail('a member is listed twice');
      const profile = ctx.conferenceProfile;
      if (profile !== undefined && !PROFILE_NAME_RE.test(profile))
        return fail('the conference profile is not configured safely');
      return ok({ name: 'transfer', targetConference: target, profile, members });
    },
    toEsl: (cmd) => [
      'transfer',
      cmd.profile === undefined ? cmd.targetConference : `${cmd.targetConference}@${cmd.profile}`,
      ...cmd.members.map(String),
    ],
  }),
  ...(['dial', 'bgdial'] as const).map((name) =>
    defineCommand({
      name,
      description:
        name === 'dial'
          ? 'Call a known user or an allow-listed destination into the conference (waits for the outcome).'
          : 'Same as dial, without waiting for the outcome.',
      args: [
        req('destination', text('<destination>', 256)),
        opt('cid_number', text('<caller_id_number>', 64)),
        opt('cid_name', text('<caller_id_name>', 128)),
      ],
      permission: 'owner-within-dial-policy',
      startsConference: true,
      // `dial` waits in FreeSWITCH for the outcome (its 60 s originate timeout): bgapi keeps the
      // connection free meanwhile.
      ...(name === 'dial' ? { via: 'bgapi' as const, timeoutMs: DIAL_WAIT_MS } : {}),
      build: async ([destination, number, cidName], ctx) => {
        const dest = await resolveDialDestination(destination, { ...ctx, policy: ctx.dialPolicy });
        if (!dest.ok) return dest;
        const callerId = resolveCallerId({ number, name: cidName }, ctx.defaultCallerId);
        const user = dest.value.kind === 'user' ? dest.value.user : undefined;
        const leg = { ...dest.value, dialString: legDialString(ctx, user, dest.value.dialString) };
        return callerId.ok ? ok({ name, destination: leg, callerId: callerId.value }) : callerId;
      },
      toEsl: (cmd) => [cmd.name, cmd.destination.dialString, ...callerIdWords(cmd.callerId)],
    }),
  ),
  defineCommand({
    name: 'invite',
    description:
      'Call a user (by user name) into the conference; or a phone number or SIP URI, through the dialplan and the dial policy.',
    args: [req('target', text('<user_name|number|sip_uri>', 256))],
    permission: 'owner-within-dial-policy',
    answer: 'invitation-sent',
    startsConference: true,
    build: async ([target], ctx) => invitation('invite', await resolveInviteTarget(target, ctx), ctx),
    toEsl: (cmd) => ['bgdial', cmd.dialString, ...callerIdWords(cmd.callerId)],
  }),
  defineCommand({
    name: 'inviteim',
    description: 'Call a user (by IM id) into the conference.',
    args: [req('im_id', imId)],
    permission: 'owner-within-dial-policy',
    answer: 'invitation-sent',
    startsConference: true,
    build: async ([im], ctx) => invitation('inviteim', await imUser(await ctx.userByImId(im), ctx), ctx),
    toEsl: (cmd) => ['bgdial', cmd.dialString, ...callerIdWords(cmd.callerId)],
  }),
  defineCommand({
    name: 'record',
    description:
      'Start recording to a file the daemon picks, or to a plain file name (.wav, .mp3, .flac; none: .wav) in the recordings directory; stop; or report status / seconds recorded.',
    args: [opt('action', recordArgument)],
    answer: 'record',
    // FreeSWITCH answers before its record thread reports start-recording (about 20 ms later): the
    // answer waits, so a status right after it is true.
    awaits: (cmd) =>
      cmd.action === 'start'
        ? { kind: 'recording', path: cmd.path }
        : cmd.action === 'stop'
          ? { kind: 'no-recordings' }
          : undefined,
    build: ([action], ctx) => {
      if (action === 'stop' || action === 'status' || action === 'duration')
        return ok({ name: 'record', action });
      const path =
        action === undefined || action === 'start'
          ? recordingPath(ctx.recordingsDir, ctx.conferenceName, (ctx.now ?? (() => new Date()))())
          : namedRecordingPath(ctx.recordingsDir, action.file);
      return path.ok ? ok({ name: 'record', action: 'start', path: path.value }) : path;
    },
    toEsl: (cmd) => {
      if (cmd.action === 'start') return ['record', cmd.path];
      return cmd.action === 'stop' ? ['norecord', 'all'] : null;
    },
  }),
  defineCommand({
    name: 'norecord',
    description: 'Stop all recordings, or one the daemon started.',
    args: [req('file', text('<all|recording_file>', 512))],
    build: ([file], ctx) => {
      if (file.toLowerCase() === 'all') return ok({ name: 'norecord', target: 'all' });
      const path = checkDaemonRecording(file, ctx.recordingsDir, ctx.conferenceName);
      return path.ok ? ok({ name: 'norecord', target: path.value }) : path;
    },
    toEsl: (cmd) => ['norecord', cmd.target],
  }),
  bare('list', "FreeSWITCH's text list of the members."),
  bare('xml_list', "FreeSWITCH's XML document for this conference.", 'xml-document'),
];

/**
 * Rows the daemon runs for itself and no URL reaches (findCommand does not see them): settings saved
 * in the store applied to a running conference (control/live-settings.ts).
 */
export const DAEMON_COMMANDS: readonly CommandEntry[] = [
  defineCommand({
    name: 'set',
    description: 'Set a parameter of a running conference (max_members).',
    args: [],
    build: () => fail('not a URL command'),
    toEsl: (cmd) => ['set', cmd.parameter, String(cmd.value)],
  }),
];

const BY_NAME: ReadonlyMap<string, CommandEntry> = new Map(CONFERENCE_COMMANDS.map((c) => [c.name, c]));
const ROWS: ReadonlyMap<string, CommandEntry> = new Map(
  [...CONFERENCE_COMMANDS, ...DAEMON_COMMANDS].map((c) => [c.name, c]),
);

/** The row a URL's command word names (never a DAEMON_COMMANDS row). */
export function findCommand(name: string): CommandEntry | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/** The row that runs a typed command, whoever made it. */
export function commandRow(name: CommandName): CommandEntry {
  const row = ROWS.get(name);
  if (row === undefined) throw new Error(`no table row for ${name}`);
  return row;
}
