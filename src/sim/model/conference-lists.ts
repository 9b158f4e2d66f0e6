// `conference ... list`, `xml_list` and `json_list`, formatted exactly as FreeSWITCH 1.11 prints them
// (api-responses.txt): members newest first, caller names url-encoded in XML, cJSON layout in JSON.
import type { CJson } from './cjson.js';
import { cjsonPrint, cjsonPrintUnformatted } from './cjson.js';
import type { Conference } from './conference.js';
import { urlEncode } from './url-encode.js';

const secs = (micros: number): number => Math.floor(micros / 1_000_000);

/** One `id;channel;uuid;name;number;flags;vol_in;vol_out;energy` line per member. */
export function listMembers(conf: Conference, delim = ';'): string {
  return conf.members
    .map((m) => {
      const p = m.channel.profile;
      return (
        [
          m.id,
          m.channel.name,
          m.channel.uuid,
          p.callerIdName,
          p.callerIdNumber,
          m.listFlags(conf.floorHolder === m),
          m.volumeIn,
          m.volumeOut,
          m.energy,
        ].join(delim) + '\n'
      );
    })
    .join('');
}

/** `+OK Conference demo (3 members rate: 8000 flags: ...)` */
export function listHeader(conf: Conference): string {
  const n = conf.count;
  return `+OK Conference ${conf.name} (${n} member${n === 1 ? '' : 's'} rate: 8000${conf.locked ? ' locked' : ''} flags: ${conf.flagWords()})\n`;
}

export function prettyMembers(conf: Conference): string {
  return conf.members
    .map((m) => `${m.id}) ${m.channel.profile.callerIdName} (${m.channel.profile.callerIdNumber})\n`)
    .join('');
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function xmlConference(conf: Conference, nowMicros: number): string {
  const attrs: Array<[string, string]> = [
    ['name', conf.name],
    ['member-count', String(conf.count)],
    ['ghost-count', '0'],
    ['rate', '8000'],
    ['uuid', conf.uuid],
  ];
  if (conf.locked) attrs.push(['locked', 'true']);
  if (conf.waitingForModerator) attrs.push(['wait_mod', 'true']);
  attrs.push(
    ['running', 'true'],
    ['answered', 'true'],
    ['enforce_min', 'true'],
    ['dynamic', 'true'],
    ['exit_sound', 'true'],
    ['enter_sound', 'true'],
  );
  if (conf.maxMembers > 0) attrs.push(['max_members', String(conf.maxMembers)]);
  if (conf.recordings.length > 0) attrs.push(['recording', 'true']);
  attrs.push(['run_time', String(secs(nowMicros) - secs(conf.createdAt))]);
  const out: string[] = [];
  out.push(`  <conference ${attrs.map(([k, v]) => `${k}="${xmlEscape(v)}"`).join(' ')}>`);
  out.push('    <variables></variables>');
  out.push('    <members>');
  for (const m of conf.members) {
    const p = m.channel.profile;
    const flag = (name: string, on: boolean): string => `          <${name}>${on}</${name}>`;
    const tag = (name: string, value: string | number): string =>
      `        <${name}>${xmlEscape(urlEncode(String(value)))}</${name}>`;
    out.push('      <member type="caller">');
    out.push(tag('id', m.id));
    out.push('        <flags>');
    out.push(
      flag('can_hear', m.canHear),
      flag('can_see', m.canSee),
      flag('can_speak', m.canSpeak),
      flag('mute_detect', m.muteDetect),
      flag('talking', m.talking),
      flag('hold', m.hold),
      flag('has_video', false),
      flag('video_bridge', false),
      flag('has_floor', conf.floorHolder === m),
      flag('is_moderator', m.moderator),
      flag('end_conference', m.endConference),
      flag('mandatory_member_end_conference', false),
      flag('is_ghost', false),
    );
    out.push('        </flags>');
    out.push(tag('uuid', m.channel.uuid));
    out.push(tag('caller_id_name', p.callerIdName));
    out.push(tag('caller_id_number', p.callerIdNumber));
    out.push(tag('join_time', secs(nowMicros) - secs(m.joinTime)));
    out.push(tag('last_talking', m.lastTalking ? secs(nowMicros) - secs(m.lastTalking) : 'N/A'));
    out.push(tag('energy', m.energy));
    out.push(tag('volume_in', m.volumeIn));
    out.push(tag('volume_out', m.volumeOut));
    out.push(tag('output-volume', m.volumeOut));
    out.push('      </member>');
  }
  out.push('    </members>');
  out.push('  </conference>');
  return out.join('\n');
}

export function xmlList(confs: Conference[], nowMicros: number): string {
  if (confs.length === 0) return '<?xml version="1.0"?>\n<conferences/>\n';
  return `<?xml version="1.0"?>\n<conferences>\n${confs.map((c) => xmlConference(c, nowMicros)).join('\n')}\n</conferences>\n`;
}

function jsonConference(conf: Conference, nowMicros: number): CJson {
  return {
    conference_name: conf.name,
    member_count: conf.count,
    ghost_count: 0,
    rate: 8000,
    run_time: secs(nowMicros) - secs(conf.createdAt),
    conference_uuid: conf.uuid,
    canvas_count: 0,
    max_bw_in: 0,
    force_bw_in: 0,
    video_floor_packets: 0,
    locked: conf.locked,
    destruct: false,
    wait_mod: conf.waitingForModerator,
    audio_always: false,
    running: true,
    answered: true,
    enforce_min: true,
    bridge_to: false,
    dynamic: true,
    exit_sound: true,
    enter_sound: true,
    recording: conf.recordings.length > 0,
    video_bridge: false,
    video_floor_only: false,
    video_rfc4579: false,
    variables: Object.fromEntries(conf.variables),
    members: conf.members.map((m) => ({
      type: 'caller',
      id: m.id,
      flags: {
        can_hear: m.canHear,
        can_see: m.canSee,
        can_speak: m.canSpeak,
        hold: m.hold,
        mute_detect: m.muteDetect,
        talking: m.talking,
        has_video: false,
        video_bridge: false,
        has_floor: conf.floorHolder === m,
        is_moderator: m.moderator,
        end_conference: m.endConference,
        mandatory_member_end_conference: false,
        pass_digits: false,
      },
      uuid: m.channel.uuid,
      caller_id_name: m.channel.profile.callerIdName,
      caller_id_number: m.channel.profile.callerIdNumber,
      join_time: secs(nowMicros) - secs(m.joinTime),
      last_talking: m.lastTalking ? secs(nowMicros) - secs(m.lastTalking) : 0,
      energy: m.energy,
      volume_in: m.volumeIn,
      volume_out: m.volumeOut,
      'output-volume': m.volumeOut,
      'input-volume': m.volumeIn,
    })),
  };
}

export function jsonList(confs: Conference[], nowMicros: number, compact: boolean): string {
  const value = confs.map((c) => jsonConference(c, nowMicros));
  return compact ? cjsonPrintUnformatted(value) : cjsonPrint(value);
}
