// What the freeze benchmark (freeze.ts) and its simulator child (freeze-sim.ts) share.

export const DOMAIN = 'bench.example';
export const CONFERENCE = { name: 'team', extension: '3000' };
/** How long a phone rings before it answers: a call placed late must be hung up while ringing. */
export const PHONE_ANSWERS_AFTER_MS = 4000;

export type SimRequest =
  | { id: number; type: 'join'; user: string }
  | { id: number; type: 'members' }
  | { id: number; type: 'channels' };

export interface ChannelLife {
  uuid: string;
  user: string;
  createdAt: number;
  answeredAt?: number;
  hungUpAt?: number;
  cause?: string;
}

/** A request without its id, as the parent writes it. */
export type SimQuestion = SimRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;
