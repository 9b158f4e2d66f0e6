// A conference member: the channel it rides on plus the member flags and levels mod_conference keeps,
// and the member block every member event carries (conference_member_add_event_data).
import type { Channel } from './channel.js';

export interface Relationship {
  otherId: number;
  canSpeak: boolean;
  canHear: boolean;
}

export class Member {
  canHear = true;
  canSpeak = true;
  canSee = true;
  talking = false;
  muteDetect = false;
  hold = false;
  moderator = false;
  /** Leaving ends the conference (end-on-owner-exit). */
  endConference = false;
  energy = 100;
  volumeIn = 0;
  volumeOut = 0;
  /** Current-Energy while talking (a loud caller in the transcripts). */
  currentEnergy = 0;
  /** Microseconds; 0 = never talked. */
  lastTalking = 0;
  talkStarted = 0;
  readonly relationships: Relationship[] = [];
  /** Set while the member is being moved to another conference. */
  transferring = false;

  constructor(
    readonly id: number,
    public channel: Channel,
    public joinTime: number,
  ) {}

  /** `hear|speak|talking|floor` as `conference list` prints it. */
  listFlags(hasFloor: boolean): string {
    const flags: string[] = [];
    if (this.canHear) flags.push('hear');
    if (this.canSpeak) flags.push('speak');
    if (this.talking) flags.push('talking');
    if (hasFloor) flags.push('floor');
    if (this.moderator) flags.push('moderator');
    return flags.join('|');
  }

  /** Video ... Current-Energy, after the channel headers. */
  flagHeaders(): Array<[string, string]> {
    return [
      ['Video', 'false'],
      ['Hear', String(this.canHear)],
      ['See', String(this.canSee)],
      ['Speak', String(this.canSpeak)],
      ['Talking', String(this.talking)],
      ['Mute-Detect', String(this.muteDetect)],
      ['Hold', String(this.hold)],
      ['Member-ID', String(this.id)],
      ['Member-Type', this.moderator ? 'moderator' : 'member'],
      ['Member-Ghost', 'false'],
      ['Energy-Level', String(this.energy)],
      ['Current-Energy', String(this.talking ? this.currentEnergy : 0)],
    ];
  }
}
