// Parser of FreeSWITCH's plain-text `conference list` / `conference <name> list` reply, the format
// sipX polled. Used to check the tracked state against FreeSWITCH's own view (replay tests, the
// simulator's property test). A member line is
//   id;channel name;uuid;caller id name;caller id number;flags;volume_in;volume_out;energy
// and `conference list` puts a header line before each conference's members:
//   +OK Conference demo (4 members rate: 8000 flags: running|answered|...)

import { cleanInt } from './event-fields.js';

export interface ListedMember {
  id: number;
  channelName: string;
  uuid: string;
  callerIdName: string;
  callerIdNumber: string;
  /** hear, speak, talking, floor, moderator, ... */
  flags: string[];
  volumeIn: number;
  volumeOut: number;
  energyLevel: number;
}

export interface ListedConference {
  /** '' for the reply to `conference <name> list`, which has no header line. */
  name: string;
  memberCount: number;
  locked: boolean;
  flags: string[];
  members: ListedMember[];
}

const HEADER = /^(?:\+OK )?Conference (\S+) \((\d+) members? rate: \d+( locked)? flags: ([^)]*)\)$/;

export function parseConferenceListText(body: string): ListedConference[] {
  const conferences: ListedConference[] = [];
  let current: ListedConference | undefined;
  for (const line of body.split('\n')) {
    const header = HEADER.exec(line);
    if (header !== null) {
      const flags = header[4] === 'none' ? [] : (header[4] ?? '').split('|');
      current = {
        name: header[1] ?? '',
        memberCount: Number(header[2]),
        locked: header[3] !== undefined || flags.includes('locked'),
        flags,
        members: [],
      };
      conferences.push(current);
      continue;
    }
    const member = memberLine(line);
    if (member === undefined) continue;
    if (current === undefined) {
      current = { name: '', memberCount: 0, locked: false, flags: [], members: [] };
      conferences.push(current);
    }
    current.members.push(member);
    if (current.name === '') current.memberCount = current.members.length;
  }
  return conferences;
}

function memberLine(line: string): ListedMember | undefined {
  const fields = line.split(';');
  if (fields.length < 9) return undefined;
  // A caller ID name may contain ';': take the fixed fields from both ends.
  const id = cleanInt(fields[0], 1, 2_147_483_647);
  const tail = fields.slice(-4);
  const volumeIn = cleanInt(tail[1], -4, 4);
  const volumeOut = cleanInt(tail[2], -4, 4);
  const energyLevel = cleanInt(tail[3], 0, 1_000_000);
  if (id === undefined || volumeIn === undefined || volumeOut === undefined || energyLevel === undefined)
    return undefined;
  return {
    id,
    channelName: fields[1] ?? '',
    uuid: fields[2] ?? '',
    callerIdName: fields.slice(3, -5).join(';'),
    callerIdNumber: fields.at(-5) ?? '',
    flags: (tail[0] ?? '') === '' ? [] : (tail[0] ?? '').split('|'),
    volumeIn,
    volumeOut,
    energyLevel,
  };
}
