// One running conference: its members (newest first, as mod_conference keeps them), flags, floor,
// recordings and the settings a join honours.
import type { ConferenceJoinPolicy } from './config.js';
import type { Member } from './member.js';
import type { Cancel } from './clock.js';

export interface Recording {
  path: string;
  startedAt: number;
  cancelStart?: Cancel;
}

/** A file the conference is playing (sounds queue one after another, as conference fnodes do). */
export interface PlayingFile {
  file: string;
  durationMs: number;
  startedAt: number;
  async: boolean;
  cancel: Cancel;
}

export class Conference {
  /** Newest first: `list`, `xml_list` and `json_list` print in this order. */
  members: Member[] = [];
  floorHolder: Member | undefined;
  locked = false;
  pin: string | undefined;
  /** mod_conference's mpin: keyed at the PIN prompt it admits a moderator. */
  moderatorPin: string | undefined;
  maxMembers = 0;
  recordings: Recording[] = [];
  /** The queue of conference-wide files (enter/exit/alone sounds, `play`), head playing. */
  fileQueue: Array<{ file: string; durationMs: number; playMs: number }> = [];
  current: PlayingFile | undefined;
  /** Music on hold while alone (the async file node). */
  moh: PlayingFile | undefined;
  destroyed = false;
  /** Members who joined but wait for a moderator (owner-required). */
  waitingForModerator = false;
  readonly variables = new Map<string, string>();

  constructor(
    readonly name: string,
    readonly profile: string,
    readonly domain: string,
    readonly uuid: string,
    readonly createdAt: number,
    public policy: ConferenceJoinPolicy,
  ) {
    this.pin = policy.pin;
    this.moderatorPin = policy.moderatorPin;
    this.maxMembers = policy.maxMembers ?? 0;
  }

  get count(): number {
    return this.members.length;
  }

  member(id: number): Member | undefined {
    return this.members.find((m) => m.id === id);
  }

  /** `Conference-Name` ... `Conference-Unique-ID`, the block every conference event starts with. */
  headers(): Array<[string, string]> {
    return [
      ['Conference-Name', this.name],
      ['Conference-Domain', this.domain],
      ['Conference-Size', String(this.count)],
      ['Conference-Ghosts', '0'],
      ['Conference-Profile-Name', this.profile],
      ['Conference-Unique-ID', this.uuid],
    ];
  }

  /** The flag words `conference list` prints in its header line. */
  flagWords(): string {
    const flags: string[] = [];
    if (this.locked) flags.push('locked');
    if (this.waitingForModerator) flags.push('wait_mod');
    flags.push('running', 'answered', 'enforce_min', 'dynamic', 'exit_sound', 'enter_sound');
    if (this.recordings.length > 0) flags.push('recording');
    flags.push('json_status');
    return flags.join('|');
  }
}
