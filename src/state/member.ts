// One member of a live conference, as the conference reducer (conferences.ts) keeps it and the member
// actions (conference-actions.ts) update it.

export interface Member {
  /** FreeSWITCH Member-ID: one counter across all conferences of a node. */
  id: number;
  /** The member's channel (Unique-ID). */
  uuid: string;
  channelName: string;
  callerIdNumber: string;
  callerIdName: string;
  /** The user this member belongs to (rule in channel-user.ts); undefined when unknown. */
  user: string | undefined;
  canHear: boolean;
  canSpeak: boolean;
  talking: boolean;
  floor: boolean;
  moderator: boolean;
  muteDetect: boolean;
  volumeIn: number;
  volumeOut: number;
  energyLevel: number;
  /** Epoch ms. */
  joinedAt: number;
}
