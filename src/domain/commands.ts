// The conference command table: the single source for which commands exist, their argument grammar,
// their extra permission, how each maps to a FreeSWITCH argv (`conference <conf> <cmd> <args...>`) and
// how it runs (api or bgapi, whether it starts a conference, which other conference the caller must
// control, what live state to wait for, how it is answered), modelled on conference_api_sub_commands[]
// in FreeSWITCH's conference_api.c, where the row is the dispatch. Parsing, running (control/), docs,
// OpenAPI and tests all read this table: a new command is one row here plus its test.
import {
  conferenceName,
  dtmfDigits,
  energyLevel,
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
import { fail, ok } from './check.js';
import {
  bare,
  callerIdWords,
  imId,
  imUser,
  invitation,
  legDialString,
  levelCommand,
  memberCommand,
  recordArgument,
  text,
  textCommandUsable,
} from './command-rows.js';
import type { CommandEntry, CommandName } from './command-types.js';
import { defineCommand, opt, req, rest } from './command-types.js';
import { resolveCallerId, resolveDialDestination } from './dial-policy.js';
import { resolveInviteTarget } from './invite-target.js';
import { checkDaemonRecording, namedRecordingPath, recordingPath } from './recording.js';
import { resolveSound } from './sounds.js';

/**
 * How long `dial` may take: FreeSWITCH waits for the outcome, up to its 60 s originate timeout.
 */
export const DIAL_WAIT_MS = 65_000;

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
