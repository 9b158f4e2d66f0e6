// A running conference at a glance (GET /api/activeconferences, /my/activeconferences): where it
// runs, how many are in it and talking, whether it is locked or recording, and since when. Pure.
import type { LiveConference } from './conferences.js';

export interface ActiveConference {
  name: string;
  /** The FreeSWITCH node hosting it. */
  node: string;
  'member-count': number;
  'talking-count': number;
  locked: boolean;
  recording: boolean;
  /** Epoch ms the conference started. */
  'start-time': number;
}

export function activeConference(node: string, conference: LiveConference): ActiveConference {
  let talking = 0;
  for (const member of conference.members.values()) if (member.talking) talking++;
  return {
    name: conference.name,
    node,
    'member-count': conference.members.size,
    'talking-count': talking,
    locked: conference.locked,
    recording: conference.recordings.length > 0,
    'start-time': conference.createdAt,
  };
}

export const byName = (a: { name: string }, b: { name: string }): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
