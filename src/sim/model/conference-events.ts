// The `CUSTOM conference::maintenance` events, each with the header layout the real transcripts show
// (conference block, then Floor + channel + member block for member events, then the action's own
// headers). Source locations are the ones FreeSWITCH 1.11.2 reports.
import type { Conference } from './conference.js';
import type { SimContext } from './context.js';
import type { CallSite } from './sites.js';
import type { Member } from './member.js';

export const CONF_SUBCLASS = 'conference::maintenance';

const site = (file: string, func: string, line: number): CallSite => ({ file, func, line });

export const CONF_SITES = {
  create: site('mod_conference.c', 'conference_new', 3848),
  destroy: site('mod_conference.c', 'conference_thread_run', 863),
  add: site('conference_member.c', 'conference_member_add', 962),
  del: site('conference_member.c', 'conference_member_del', 1355),
  floor: site('conference_member.c', 'conference_member_set_floor_holder', 1158),
  fileClose: site('conference_file.c', 'conference_file_close', 52),
  startTalking: site('conference_loop.c', 'conference_loop_input', 1154),
  stopTalking: site('conference_loop.c', 'stop_talking_handler', 783),
  dtmfKey: site('conference_loop.c', 'conference_loop_input', 1154),
  mute: site('conference_api.c', 'conference_api_sub_mute', 339),
  unmute: site('conference_api.c', 'conference_api_sub_unmute', 492),
  deaf: site('conference_api.c', 'conference_api_sub_deaf', 797),
  undeaf: site('conference_api.c', 'conference_api_sub_undeaf', 839),
  hup: site('conference_api.c', 'conference_api_sub_hup', 871),
  kick: site('conference_api.c', 'conference_api_sub_kick', 902),
  dtmf: site('conference_api.c', 'conference_api_sub_dtmf', 1011),
  energy: site('conference_api.c', 'conference_api_sub_energy', 1228),
  volumeIn: site('conference_api.c', 'conference_api_sub_volume_in', 1574),
  volumeOut: site('conference_api.c', 'conference_api_sub_volume_out', 1609),
  play: site('conference_api.c', 'conference_api_sub_play', 2817),
  playMember: site('conference_api.c', 'conference_api_sub_play', 2845),
  say: site('conference_api.c', 'conference_api_sub_say', 2877),
  sayMember: site('conference_api.c', 'conference_api_sub_saymember', 2933),
  lock: site('conference_api.c', 'conference_api_sub_lock', 3474),
  unlock: site('conference_api.c', 'conference_api_sub_unlock', 3496),
  transfer: site('conference_api.c', 'conference_api_sub_transfer', 3704),
  recordStart: site('conference_record.c', 'conference_record_thread_run', 319),
  recordStop: site('conference_record.c', 'conference_record_thread_run', 427),
  bgdial: site('mod_conference.c', 'conference_outcall_run', 1708),
  lockedJoin: site('conference_member.c', 'conference_member_add', 962),
} satisfies Record<string, CallSite>;

/** Floor + channel headers + member flags, as conference_member_add_event_data writes them. */
export function memberBlock(conf: Conference, member: Member): Array<[string, string]> {
  return [
    ['Floor', String(conf.floorHolder === member)],
    ...member.channel.basicHeaders(),
    ...member.flagHeaders(),
  ];
}

/** A conference-level event: conference block, then `Action`, then the action's headers. */
export function fireConferenceEvent(
  ctx: SimContext,
  conf: Conference,
  action: string,
  where: CallSite,
  after: Array<[string, string]> = [],
): void {
  ctx.fire('CUSTOM', where, [...conf.headers(), ['Action', action], ...after], CONF_SUBCLASS);
}

/** A member event: conference block, member block, `before` headers, `Action`, `after` headers. */
export function fireMemberEvent(
  ctx: SimContext,
  conf: Conference,
  member: Member,
  action: string,
  where: CallSite,
  options: { before?: Array<[string, string]>; after?: Array<[string, string]> } = {},
): void {
  ctx.fire(
    'CUSTOM',
    where,
    [
      ...conf.headers(),
      ...memberBlock(conf, member),
      ...(options.before ?? []),
      ['Action', action],
      ...(options.after ?? []),
    ],
    CONF_SUBCLASS,
  );
}

/** floor-change: `Old-ID`, then (when someone gets the floor) a full conference + member block. */
export function fireFloorChange(
  ctx: SimContext,
  conf: Conference,
  oldId: number | undefined,
  holder: Member | undefined,
): void {
  const body: Array<[string, string]> = [
    ...conf.headers(),
    ['Action', 'floor-change'],
    ['Old-ID', oldId === undefined ? 'none' : String(oldId)],
  ];
  if (holder) body.push(...conf.headers(), ...memberBlock(conf, holder), ['New-ID', String(holder.id)]);
  else body.push(['New-ID', 'none']);
  ctx.fire('CUSTOM', CONF_SITES.floor, body, CONF_SUBCLASS);
}

function fileStats(durationMs: number): Array<[string, string]> {
  return [
    ['seconds', String(Math.floor(durationMs / 1000))],
    ['milliseconds', String(durationMs)],
    ['samples', String(durationMs * 8)],
  ];
}

/** play-file-done for a conference-wide file (with `Async: true` for the music-on-hold node). */
export function firePlayFileDone(
  ctx: SimContext,
  conf: Conference,
  file: string,
  durationMs: number,
  async: boolean,
): void {
  const body: Array<[string, string]> = [
    ...conf.headers(),
    ...fileStats(durationMs),
    ['Action', 'play-file-done'],
    ['File', file],
  ];
  if (async) body.push(['Async', 'true']);
  ctx.fire('CUSTOM', CONF_SITES.fileClose, body, CONF_SUBCLASS);
}

/** play-file-member-done: file stats, Action, then a full conference + member block and the file. */
export function firePlayFileMemberDone(
  ctx: SimContext,
  conf: Conference,
  member: Member,
  file: string,
  durationMs: number,
): void {
  ctx.fire(
    'CUSTOM',
    CONF_SITES.fileClose,
    [
      ...conf.headers(),
      ...fileStats(durationMs),
      ['Action', 'play-file-member-done'],
      ...conf.headers(),
      ...memberBlock(conf, member),
      ['File', file],
    ],
    CONF_SUBCLASS,
  );
}
